using System.Globalization;
using Amazon.CDK.AWS.CloudWatch;

namespace TranscribeStack.Cdk.Monitoring;

/// <summary>What the operators' dashboard shows, from <see cref="PipelineMonitoring"/>'s props.</summary>
internal sealed record DashboardSources(
    string EnvironmentName,
    IStateMachine StateMachine,
    ILogGroup WorkflowLogs,
    bool StateEventsLogged,
    IFunction PostProcessor,
    IQueue FailureQueue,
    IReadOnlyList<IQueue> AgedDeadLetterQueues,
    IQueue Intake,
    int Window,
    bool PiiRedaction,
    Duration Period,
    IReadOnlyList<Alarm> Alarms);

/// <summary>
/// The rows of the operators' dashboard, top to bottom: what to read first (backlog, outcomes, volume and cost),
/// then the detail (executions, durations, post-processor, dead-letter queues, alarms). Each widget says what its
/// figure is where no metric gives exactly what an operator asks for.
/// </summary>
internal static class OperatorsDashboard
{
    /// <summary>
    /// The state the workflow enters when it records an upload as SKIPPED (cdk/Workflow). A CDK test fails when the
    /// synthesized workflow has no Succeed state of this name.
    /// </summary>
    public const string SkippedEndState = StateNames.Workflow.UploadSkipped;

    /// <summary>
    /// SKIPPED per hour: the workflow's own log events of entering <see cref="SkippedEndState"/>, counted by Logs Insights.
    /// Why this source: no Lambda runs when an upload is recorded as SKIPPED (the state machine writes the item), so no
    /// embedded metric can be emitted there; the planner answers "skip" before the item is written and is also called by
    /// the execution-end recorder and for duplicate events, so counting its answers would count plannings, not uploads.
    /// The Succeed state is entered once per execution that ended skipped. A Logs metric filter could count the same
    /// events, but a filter's dimensions can only come from the event's fields, none of which names the environment: its
    /// metric would mix every environment of the account and region. Needs workflow.logLevel ALL (state events).
    /// </summary>
    public static string SkippedQuery { get; } = string.Join(
        "\n",
        "fields @timestamp",
        $"| filter type = \"SucceedStateEntered\" and details.name = \"{SkippedEndState}\"",
        "| stats count(*) as skipped by bin(1h)");

    public static IWidget[][] Rows(DashboardSources s)
    {
        var sum = new MetricOptions { Period = s.Period, Statistic = Stats.SUM };
        var max = new MetricOptions { Period = s.Period, Statistic = Stats.MAXIMUM };
        var hourly = new MetricOptions { Period = Duration.Hours(1), Statistic = Stats.SUM };
        var sm = s.StateMachine;
        var price = TranscribePrice.PerMinute(s.PiiRedaction);
        var audioMinutes = new Metric(new MetricProps
        {
            Namespace = PipelineMetrics.Namespace,
            MetricName = PipelineMetrics.AudioMinutes,
            DimensionsMap = new Dictionary<string, string> { [PipelineMetrics.EnvironmentDimension] = s.EnvironmentName },
            Statistic = Stats.SUM,
            Period = Duration.Days(1),
            Label = "audio minutes",
        });

        return
        [
            [
                new TextWidget(new TextWidgetProps
                {
                    Width = 24,
                    Height = 5,
                    Markdown = string.Join(
                        "\n",
                        $"# TranscribeStack {s.EnvironmentName}: read this row first",
                        "**Intake and window.** Uploads wait in the intake (SQS: *Intake* shows how many and the oldest one's age; the "
                        + "alarm IntakeOldestUpload fires past intake.oldestUploadAlarmMinutes) until the window has room: at most "
                        + $"{s.Window.ToString(CultureInfo.InvariantCulture)} uploads in flight, each one running execution (*Executions "
                        + "running* against the window's line).",
                        "**Backlog.** Step Functions publishes no gauge of running executions: *Executions running* is the running sum of "
                        + "started minus ended since the graph's left edge (executions already running then are not in it). The exact "
                        + "count: the console's execution list filtered by status Running, or `aws stepfunctions list-executions "
                        + "--state-machine-arn <workflow> --status-filter RUNNING`.",
                        "**Jobs queued by Transcribe.** AWS/Transcribe publishes no metric of queued or running jobs (only request counts "
                        + "and errors): the metadata table's `byStatus` index, status `TRANSCRIBING`, lists the jobs in Transcribe (queued "
                        + "or in progress).",
                        "**Oldest running execution.** No metric gives its age: the graph shows the nearest, the longest execution that "
                        + "ended in each period. The oldest running one: `aws stepfunctions list-executions --state-machine-arn <workflow> "
                        + "--status-filter RUNNING --query 'min_by(executions, &startDate)'`.",
                        "**Cost.** Audio minutes (from each transcript, to its last word: a lower bound of the billed audio, which is per "
                        + $"second with a 15-second minimum per job) times {TranscribePrice.Describe(s.PiiRedaction)}."),
                }),
            ],
            [
                new GraphWidget(new GraphWidgetProps
                {
                    Title = "Intake: uploads waiting (left) and the oldest one's age (right)",
                    Left =
                    [
                        s.Intake.MetricApproximateNumberOfMessagesVisible(
                            new MetricOptions { Period = s.Period, Statistic = Stats.MAXIMUM, Label = "waiting" }),
                        s.Intake.MetricApproximateNumberOfMessagesNotVisible(
                            new MetricOptions { Period = s.Period, Statistic = Stats.MAXIMUM, Label = "being admitted" }),
                    ],
                    Right = [s.Intake.MetricApproximateAgeOfOldestMessage(
                        new MetricOptions { Period = s.Period, Statistic = Stats.MAXIMUM, Label = "oldest upload (s)" })],
                    Width = 12,
                }),
                new GraphWidget(new GraphWidgetProps
                {
                    Title = "Executions running (started - ended, running sum since the graph's start) against the window",
                    LeftAnnotations = [new HorizontalAnnotation { Value = s.Window, Label = "window (intake.window)" }],
                    Left =
                    [
                        new MathExpression(new MathExpressionProps
                        {
                            Label = "running (change since the left edge)",
                            Expression = "RUNNING_SUM(FILL(started, 0) - (FILL(succeeded, 0) + FILL(failed, 0) + FILL(timedOut, 0) + "
                                + "FILL(aborted, 0)))",
                            UsingMetrics = new Dictionary<string, IMetric>
                            {
                                ["started"] = sm.MetricStarted(sum),
                                ["succeeded"] = sm.MetricSucceeded(sum),
                                ["failed"] = sm.MetricFailed(sum),
                                ["timedOut"] = sm.MetricTimedOut(sum),
                                ["aborted"] = sm.MetricAborted(sum),
                            },
                            Period = s.Period,
                        }),
                    ],
                    Width = 12,
                }),
                new GraphWidget(new GraphWidgetProps
                {
                    Title = "Oldest running execution: no metric; nearest: the longest execution that ended",
                    Left = [sm.MetricTime(
                        new MetricOptions { Period = s.Period, Statistic = Stats.MAXIMUM, Label = "longest ended execution (ms)" })],
                    Width = 12,
                }),
            ],
            [
                s.StateEventsLogged
                    ? new LogQueryWidget(new LogQueryWidgetProps
                    {
                        Title = "Uploads SKIPPED per hour (workflow log events)",
                        LogGroupNames = [s.WorkflowLogs.LogGroupName],
                        QueryString = SkippedQuery,
                        View = LogQueryVisualizationType.BAR,
                        Width = 12,
                    })
                    : new TextWidget(new TextWidgetProps
                    {
                        Markdown = "**Uploads SKIPPED per hour**: not shown. The workflow logs at a level below ALL, so its state events "
                            + $"(entering the \"{SkippedEndState}\" state) are not logged; the metadata table's `byStatus` index, status "
                            + "`SKIPPED`, lists them.",
                        Width = 12,
                    }),
                new GraphWidget(new GraphWidgetProps
                {
                    // One message per FAILED record, from the failure branch or the execution-end recorder alike.
                    Title = "Uploads FAILED per hour (messages sent to the failure queue)",
                    Left = [s.FailureQueue.MetricNumberOfMessagesSent(
                        new MetricOptions { Period = Duration.Hours(1), Statistic = Stats.SUM, Label = "FAILED" })],
                    View = GraphWidgetView.BAR,
                    Width = 12,
                }),
            ],
            [
                new GraphWidget(new GraphWidgetProps
                {
                    Title = "Audio minutes transcribed per day",
                    Left = [audioMinutes],
                    View = GraphWidgetView.BAR,
                    Start = "-P14D",
                    Width = 12,
                }),
                new GraphWidget(new GraphWidgetProps
                {
                    Title = string.Create(CultureInfo.InvariantCulture,
                        $"Transcribe cost per day (USD) at ${price} per audio minute, price of {TranscribePrice.Retrieved}"),
                    Left =
                    [
                        new MathExpression(new MathExpressionProps
                        {
                            Label = "USD at the published price",
                            Expression = string.Create(CultureInfo.InvariantCulture, $"minutes * {price}"),
                            UsingMetrics = new Dictionary<string, IMetric> { ["minutes"] = audioMinutes },
                            Period = Duration.Days(1),
                        }),
                    ],
                    View = GraphWidgetView.BAR,
                    Start = "-P14D",
                    Width = 12,
                }),
            ],
            [
                new GraphWidget(new GraphWidgetProps
                {
                    Title = "Executions",
                    Left = [sm.MetricStarted(sum), sm.MetricSucceeded(sum), sm.MetricFailed(sum), sm.MetricTimedOut(sum)],
                    Width = 12,
                }),
                new GraphWidget(new GraphWidgetProps
                {
                    Title = "Execution duration (p50, p99)",
                    Left =
                    [
                        sm.MetricTime(new MetricOptions { Period = s.Period, Statistic = "p50" }),
                        sm.MetricTime(new MetricOptions { Period = s.Period, Statistic = "p99" }),
                    ],
                    Width = 12,
                }),
            ],
            [
                new GraphWidget(new GraphWidgetProps
                {
                    Title = "Post-processor duration and errors",
                    Left = [s.PostProcessor.MetricDuration(new MetricOptions { Period = s.Period, Statistic = "p99" })],
                    Right = [s.PostProcessor.MetricErrors(sum), s.PostProcessor.MetricThrottles(sum)],
                    Width = 12,
                }),
                new GraphWidget(new GraphWidgetProps
                {
                    Title = "Dead-letter queues (messages)",
                    Left = [.. s.AgedDeadLetterQueues.Select(q => q.MetricApproximateNumberOfMessagesVisible(max))],
                    Width = 12,
                }),
            ],
            [new AlarmStatusWidget(new AlarmStatusWidgetProps { Title = "Alarms", Alarms = s.Alarms.ToArray(), Width = 24 })],
        ];
    }
}
