using Amazon.CDK.AWS.CloudWatch;
using TranscribeStack.Cdk.Triggering;

namespace TranscribeStack.Cdk.Operations;

public sealed class OperatorAccessProps : PipelineConstructProps
{
    /// <summary>The workflow operators follow, stop, redrive and start (re-runs).</summary>
    public required IStateMachine Workflow { get; init; }

    /// <summary>The workflow's name, which its executions' ARNs carry.</summary>
    public required string WorkflowName { get; init; }

    /// <summary>The re-processing workflow operators start (one command re-processes a prefix) and follow.</summary>
    public required IStateMachine Reprocessing { get; init; }

    /// <summary>Its name, which its executions', Map Runs' and Map Run children's ARNs carry.</summary>
    public required string ReprocessingName { get; init; }

    /// <summary>
    /// The state machines operators start with a dead letter's body (the runbook's "Drain the dead-letter queues"):
    /// the intake admitter (a stuck intake, a missed doorbell) and the execution-end recorder (an undelivered execution end).
    /// </summary>
    public required IReadOnlyList<IStateMachine> DeadLetterReplays { get; init; }

    /// <summary>The intake: operators put an undelivered upload event back into it (the body of an event dead letter).</summary>
    public required UploadTrigger Intake { get; init; }

    /// <summary>The execution logs operators read: the workflow's and the other state machines'.</summary>
    public required IReadOnlyList<ILogGroup> ExecutionLogs { get; init; }

    public required Dashboard Dashboard { get; init; }

    /// <summary>ARN pattern of this stack's alarms (generated names start with the stack name).</summary>
    public required string AlarmArnPattern { get; init; }

    public required JobMetadataTable Metadata { get; init; }

    /// <summary>Every dead-letter queue of the stack: operators drain them.</summary>
    public required IReadOnlyList<IQueue> DeadLetterQueues { get; init; }

    public required MediaIngestion Media { get; init; }

    public required TranscriptStorage Transcripts { get; init; }

    /// <summary>Whether media and transcripts may be read, and who may assume the operators' role.</summary>
    public required OperatorSettings Settings { get; init; }
}

/// <summary>
/// What an operator of the pipeline may do, as one customer-managed policy: read the workflow's executions,
/// their history and the state machines' logs, the dashboard and the alarms; stop, redrive and start
/// executions of the workflow (re-runs); read the job metadata table (items, the status index, its description);
/// receive and delete dead letters; list what the consoles list (state machines, dashboards, tables, queues, log groups). Nothing else: no
/// object deletes, no key administration, no IAM, no writes to the
/// table, and the media and transcripts only when the settings say so. With <c>operators.assumedBy</c> a
/// role with only this policy is created for that principal; otherwise attach the policy to your own.
/// </summary>
public sealed class OperatorAccess : Construct
{
    public OperatorAccess(Construct scope, string id, OperatorAccessProps props)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(props);
        var stack = Stack.Of(this);
        var policy = new ManagedPolicy(this, "Policy", new ManagedPolicyProps
        {
            Description = $"TranscribeStack ({props.Context.EnvironmentName}) operator: follow, stop, redrive and re-run executions; read "
                + "logs, dashboard, alarms and job metadata; drain dead letters",
        });

        // Executions of this workflow only. StateMachine.GrantRead is not used: it adds ListStateMachines,
        // ListActivities, DescribeActivity and DescribeStateMachine on "*". StateMachine.GrantExecution is not
        // used either: it derives the name by splitting the ARN (Fn::Split), where the Name attribute is exact.
        props.Workflow.Grant(policy, "states:DescribeStateMachine", "states:ListExecutions");
        props.Workflow.GrantStartExecution(policy);
        policy.AddStatements(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "FollowStopAndRedriveThisWorkflowsExecutions",
            Actions =
            [
                "states:DescribeExecution", "states:DescribeStateMachineForExecution", "states:GetExecutionHistory",
                "states:StopExecution", "states:RedriveExecution",
            ],
            Resources =
            [
                stack.FormatArn(new ArnComponents
                {
                    Service = "states",
                    Resource = "execution",
                    ResourceName = $"{props.WorkflowName}:*",
                    ArnFormat = ArnFormat.COLON_RESOURCE_NAME,
                }),
            ],
        }));

        // Re-processing a prefix: start it, follow its executions and their Map Runs (the progress of a
        // Distributed Map), stop one. Not redrive: a second run with the same marker does that, idempotently.
        props.Reprocessing.Grant(policy, "states:DescribeStateMachine", "states:ListExecutions");
        props.Reprocessing.GrantStartExecution(policy);
        policy.AddStatements(
            new PolicyStatement(new PolicyStatementProps
            {
                Sid = "FollowAndStopReprocessing",
                // ListMapRuns is authorized on the execution that runs the Map (Service Authorization Reference).
                Actions = ["states:DescribeExecution", "states:GetExecutionHistory", "states:StopExecution", "states:ListMapRuns"],
                Resources = [stack.FormatArn(
                    new ArnComponents { Service = "states", Resource = "execution", ResourceName = $"{props.ReprocessingName}:*",
                        ArnFormat = ArnFormat.COLON_RESOURCE_NAME })],
            }),
            new PolicyStatement(new PolicyStatementProps
            {
                Sid = "FollowReprocessingProgress",
                // The Map Run page: the run, and the list of its child executions (ListExecutions takes the mapRun ARN).
                Actions = ["states:DescribeMapRun", "states:ListExecutions"],
                Resources = [stack.FormatArn(new ArnComponents { Service = "states", Resource = "mapRun",
                    ResourceName = $"{props.ReprocessingName}/*", ArnFormat = ArnFormat.COLON_RESOURCE_NAME })],
            }),
            new PolicyStatement(new PolicyStatementProps
            {
                Sid = "FollowReprocessingChildren",
                // A Map Run's children are executions named <state machine>/<Map Run label>:<id>, which
                // execution:<name>:* does not match.
                Actions = ["states:DescribeExecution", "states:GetExecutionHistory"],
                Resources = [stack.FormatArn(
                    new ArnComponents { Service = "states", Resource = "execution", ResourceName = $"{props.ReprocessingName}/*",
                        ArnFormat = ArnFormat.COLON_RESOURCE_NAME })],
            }));

        // Replaying a dead letter: the intake admitter admits waiting uploads within the window (a second start admits
        // nothing more), the execution-end recorder records an end once and never over a COMPLETED item. Starting
        // them does nothing an operator could not ask of the pipeline itself; their own executions stay unreadable.
        foreach (var replay in props.DeadLetterReplays)
        {
            replay.GrantStartExecution(policy);
        }

        // An upload event EventBridge could not deliver goes back into the intake, which admits it like any other.
        props.Intake.GrantSendToIntake(policy, props.Context.Key);

        // This environment's jobs in Transcribe (the runbook's "Follow one upload", step 3): GetTranscriptionJob on the
        // job-name prefix only. Not ListTranscriptionJobs: it has no resource type and would list every job of the account.
        policy.AddStatements(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "ReadThisEnvironmentsTranscriptionJobs",
            Actions = ["transcribe:GetTranscriptionJob"],
            Resources = [stack.FormatArn(
                new ArnComponents { Service = "transcribe", Resource = "transcription-job",
                    ResourceName = $"{props.Context.JobNamePrefix}*", ArnFormat = ArnFormat.SLASH_RESOURCE_NAME })],
        }));

        // The execution logs. LogGroup.GrantRead is not used: it adds DescribeLogGroups, which has no
        // resource type, on the group's ARN (where it would never match). Each group is named in both forms
        // IAM meets: the Service Authorization Reference's log-group:<name>, and CloudWatch Logs' own
        // log-group:<name>:* (LogGroupArn), which also covers the group's streams (GetLogEvents, whose only
        // resource type is the log stream). CloudWatch Logs decrypts the groups with its own key grant: a
        // reader needs no KMS right.
        policy.AddStatements(
            new PolicyStatement(new PolicyStatementProps
            {
                Sid = "ReadTheStateMachinesLogGroups",
                Actions = ["logs:DescribeLogStreams", "logs:FilterLogEvents", "logs:StartQuery", "logs:GetQueryResults",
                    "logs:GetLogGroupFields"],
                Resources = props.ExecutionLogs.SelectMany(logs => new[]
                {
                    stack.FormatArn(
                        new ArnComponents { Service = "logs", Resource = "log-group", ResourceName = logs.LogGroupName,
                            ArnFormat = ArnFormat.COLON_RESOURCE_NAME }),
                    logs.LogGroupArn,
                }).ToArray(),
            }),
            new PolicyStatement(new PolicyStatementProps
            {
                Sid = "ReadTheStateMachinesLogStreams",
                Actions = ["logs:GetLogEvents"],
                Resources = props.ExecutionLogs.Select(logs => logs.LogGroupArn).ToArray(),
            }));

        // The dashboard and this stack's alarms (the alarm-status widget and the alarm console read them).
        policy.AddStatements(
            new PolicyStatement(new PolicyStatementProps
            {
                Sid = "ReadThisStacksDashboard",
                Actions = ["cloudwatch:GetDashboard"],
                // Dashboard.DashboardArn is built from the physical name, which a generated name lacks (CDK 2.160).
                Resources =
                [
                    stack.FormatArn(new ArnComponents
                    {
                        Service = "cloudwatch",
                        Region = string.Empty,
                        Resource = "dashboard",
                        ResourceName = props.Dashboard.DashboardName,
                        ArnFormat = ArnFormat.SLASH_RESOURCE_NAME,
                    }),
                ],
            }),
            new PolicyStatement(new PolicyStatementProps
            {
                Sid = "ReadThisStacksAlarms",
                Actions = ["cloudwatch:DescribeAlarms", "cloudwatch:DescribeAlarmHistory"],
                Resources = [props.AlarmArnPattern],
            }),
            // The dashboard's graphs: GetMetricData reads CloudWatch metrics, which have no resource type.
            new PolicyStatement(new PolicyStatementProps
            {
                Sid = "ReadTheDashboardsMetrics",
                Actions = ["cloudwatch:GetMetricData"],
                Resources = ["*"],
            }));

        // The job metadata: items and "jobs by status", no write, no scan; and the table's description, which the
        // DynamoDB console's table page (and describe-table) reads: its settings and key schema, not its items.
        props.Metadata.GrantReadItems(policy);
        policy.AddStatements(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "DescribeTheJobTable",
            Actions = ["dynamodb:DescribeTable"],
            Resources = [props.Metadata.Table.TableArn],
        }));

        // Dead letters: receive and delete, with the key through SQS for each queue only; the queue's URL (the CLI's
        // get-queue-url) and attributes (the console's queue page: messages available, oldest age). Queue.GrantConsumeMessages
        // would add ChangeMessageVisibility and kms:Decrypt without kms:ViaService.
        foreach (var queue in props.DeadLetterQueues)
        {
            queue.Grant(policy, "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl");
            props.Context.Key.GrantViaService(policy, "sqs", ["kms:Decrypt"],
                new KeyValuePair<string, string>("aws:sqs:arn", queue.QueueArn));
        }

        // The consoles' lists an operator starts from: state machines, dashboards, tables, queues, log groups. None has
        // a resource type in the Service Authorization Reference, so each is granted on "*" (see UnscopedActions); they
        // return names and summaries, never executions' data, items, messages or log events, which stay scoped above.
        policy.AddStatements(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "ListWhatTheConsolesList",
            Actions = ["states:ListStateMachines", "cloudwatch:ListDashboards", "dynamodb:ListTables", "sqs:ListQueues",
                "logs:DescribeLogGroups"],
            Resources = ["*"],
        }));

        var prefixes = new List<string>();
        if (props.Settings.CanReadMedia)
        {
            props.Media.GrantDownloadMedia(policy);
            prefixes.Add(props.Media.MediaPrefix);
        }

        if (props.Settings.CanReadTranscripts)
        {
            props.Transcripts.GrantReadTranscripts(policy);
            prefixes.Add(props.Transcripts.TranscriptPrefix);
        }

        NagAcknowledgements.Acknowledge(
            policy,
            new NagAcknowledgement(
                "AwsSolutions-IAM5",
                "Wildcards only where the resource is a family of this stack's: the workflow's and re-processing's executions "
                + "(execution:<name>:*), re-processing's Map Runs and their children (mapRun:<name>/*, execution:<name>/*), this "
                + "environment's transcription jobs (transcription-job/<job-name prefix>*), its log groups' streams, "
                + "this stack's alarms (alarm:<stack>-*), CloudWatch metrics (GetMetricData has no resource type, see UnscopedActions), "
                + "the consoles' lists (ListStateMachines, ListDashboards, ListTables, ListQueues, DescribeLogGroups: no resource type)"
                + (prefixes.Count > 0 ? $", and the objects under {string.Join(" and ", prefixes)} the settings let operators read."
                    : ".")));

        if (props.Settings.AssumedBy is { } principal)
        {
            var role = new Role(this, "Role", new RoleProps
            {
                Description = $"TranscribeStack ({props.Context.EnvironmentName}) operator: assumed by {principal}",
                AssumedBy = new ArnPrincipal(principal),
                MaxSessionDuration = Duration.Hours(1),
            });
            // Attached from the policy's side (its Roles), so the role has no inline policy and no ManagedPolicyArns.
            policy.AttachToRole(role);
            Role = role;
        }

        Policy = policy;
    }

    public IManagedPolicy Policy { get; }

    /// <summary>The operators' role; null unless <c>operators.assumedBy</c> names a principal.</summary>
    public IRole? Role { get; }
}
