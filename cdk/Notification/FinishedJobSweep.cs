using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AWS.SQS;
using Amazon.CDK.AWS.StepFunctions;
using Amazon.CDK.AWS.StepFunctions.Tasks;
using TranscribeStack.Cdk.Metadata;
using TranscribeStack.Cdk.Workflow;
using TranscribeStack.Contracts;

namespace TranscribeStack.Cdk.Notification;

public sealed class FinishedJobSweepProps : LoggingConstructProps
{
    public required string EnvironmentName { get; init; }

    /// <summary>Where the waiting executions keep their task tokens (TRANSCRIBING items, by the status index).</summary>
    public required JobMetadataTable Metadata { get; init; }

    /// <summary>This stack's job names start with it: only they are listed.</summary>
    public required string JobNamePrefix { get; init; }

    /// <summary>Seconds between two sweeps; a divisor of 60 (the schedule starts one execution a minute).</summary>
    public required int IntervalSeconds { get; init; }
}

/// <summary>
/// Wakes the executions whose job finished but whose completion event was lost (Transcribe sends it
/// best effort): each minute an Express workflow sweeps every <see cref="FinishedJobSweepProps.IntervalSeconds"/>
/// seconds. A sweep reads the waiting jobs from the status index (their names and the oldest wait's
/// start), lists this stack's COMPLETED, then FAILED Transcribe jobs newest first back to that start
/// (ListTranscriptionJobs filters by status and orders by creation time, newest first), and for every
/// listed job still waited for runs the states the completion notifier runs (<see cref="WakeWaitingExecution"/>).
/// Its cost does not grow with the length of the jobs: one query a sweep, and a list page per thirty
/// jobs that finished since the oldest wait began. Made of SDK integrations, like the notifier.
/// </summary>
public sealed class FinishedJobSweep : EventStartedExpressConstruct
{
    /// <summary>What a sweep reads of the waiting items through the status index.</summary>
    internal static readonly IReadOnlyList<string> QueriedAttributes = [JobMetadataSchema.JobName, JobMetadataSchema.UpdatedAt, JobMetadataSchema.Status];

    /// <summary>
    /// Jobs a listed page holds: at their widest (a 2,048-character failure reason each) 30 summaries fit the
    /// state's 256 KB beside the waiting jobs' names (tests/judges/limits.mjs prints the figure).
    /// </summary>
    private const int ListPageSize = 30;

    /// <summary>
    /// The waiting jobs one sweep reads, oldest first: at the longest job names (200 characters) their
    /// names fill about a third of the state's 256 KB. The newer waits of a larger backlog are swept once
    /// the older ones end (a queue drains oldest first); meanwhile their events and their plans stand.
    /// </summary>
    private const int MostWaitingJobs = 400;

    /// <summary>
    /// From this many executions waiting, a minute's run sweeps once instead of every interval: all of them
    /// started about together in a burst, so every sweep lists back through every job finished since (a
    /// 3,000-upload drain: about 45,000 ListTranscriptionJobs calls at six sweeps a minute, npm run bench:burst).
    /// A lost event then waits at most a minute, still far less than the plan's backstop.
    /// </summary>
    internal const int BacklogWaits = 100;

    /// <summary>Finished jobs woken at once within a page.</summary>
    private const int WakeConcurrency = 10;

    public FinishedJobSweep(Construct scope, string id, FinishedJobSweepProps props)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(props);
        if (props.IntervalSeconds is < 1 or > 60 || 60 % props.IntervalSeconds != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(props), props.IntervalSeconds, "The sweep interval must divide a minute.");
        }

        Build(new EventStartedExpressWorkflowOptions
        {
            Key = props.Key,
            LogRetention = props.LogRetention,
            RemovalPolicy = props.RemovalPolicy,
            Comment = $"TranscribeStack ({props.EnvironmentName}): wake the executions of finished jobs whose completion event was lost",
            Definition = () => Definition(props),
            // A minute of sweeps, and time for a long listing in the last one.
            Timeout = Duration.Minutes(3),
            RoleDescription = "TranscribeStack finished-job sweep: wakes the executions of finished jobs",
            GrantRole = role =>
            {
                WakeWaitingExecution.Grant(role, props.Metadata);
                props.Metadata.GrantQueryStatusIndex(role, QueriedAttributes);
                // ListTranscriptionJobs has no resource type (Service Authorization Reference).
                role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
                {
                    Sid = "ListTheJobs",
                    Actions = ["transcribe:ListTranscriptionJobs"],
                    Resources = ["*"],
                }));
                NagAcknowledgements.Acknowledge(
                    NagAcknowledgements.DefaultPolicy(role),
                    new NagAcknowledgement("AwsSolutions-IAM5", "states:SendTaskSuccess, transcribe:ListTranscriptionJobs, log delivery and X-Ray have no resource type (see UnscopedActions)."));
            },
            RuleDescription = "Starts the finished-job sweep of this stack every minute",
            Schedule = Schedule.Rate(Duration.Minutes(1)),
            TargetRoleDescription = "TranscribeStack finished-job sweep: starts it every minute",
            // A sweep that cannot start now is replaced by the next minute's.
            MaxEventAge = Duration.Minutes(1),
            RetryAttempts = 2,
        });
    }

    private Chain Definition(FinishedJobSweepProps props)
    {
        var rounds = 60 / props.IntervalSeconds;
        var findWaiting = FindWaitingJobs(props.Metadata);
        var nextRound = new Choice(this, "Is another sweep due this minute?", new ChoiceProps
        {
            Comment = "With a backlog waiting, one sweep a minute: each lists every job finished since the oldest wait began.",
        })
            .When(
                Condition.And(Condition.NumberLessThan("$.round", rounds), Condition.NumberLessThan("$.waiting.count", BacklogWaits)),
                new Wait(this, "Wait for the next sweep", new WaitProps { Time = WaitTime.Duration(Duration.Seconds(props.IntervalSeconds)) })
                    .Next(new Pass(this, "Start the next sweep", new PassProps
                    {
                        Parameters = new Dictionary<string, object> { ["round"] = JsonPath.MathAdd(JsonPath.NumberAt("$.round"), 1) },
                    }))
                    .Next(findWaiting))
            .Otherwise(new Succeed(this, "Swept for this minute"));

        // One listing per final status: Transcribe filters by status, so a listing holds only finished jobs
        // (in a backlog, the many queued jobs created since the oldest wait are not paged through).
        var eachStatus = new Map(this, "List the jobs of each final status", new MapProps
        {
            ItemsPath = "$.waiting.statuses",
            ItemSelector = new Dictionary<string, object>
            {
                ["status"] = JsonPath.StringAt("$$.Map.Item.Value"),
                ["waiting.$"] = "$.waiting",
            },
            MaxConcurrency = 1,
            ResultPath = JsonPath.DISCARD,
        });
        eachStatus.ItemProcessor(ListBackToTheOldestWait(props));
        eachStatus.Next(nextRound);

        findWaiting.Next(new Choice(this, "Is any execution waiting for a job?")
            .When(
                Condition.NumberGreaterThan("$.waiting.count", 0),
                new Pass(this, "Note the waiting jobs", new PassProps
                {
                    Comment = "The status index sorts by updatedAt: a waiting item's is the start of the first execution that waited for the job.",
                    Parameters = new Dictionary<string, object>
                    {
                        ["names"] = JsonPath.ListAt($"$.waiting.items[*].{JobMetadataSchema.JobName}.S"),
                        ["since"] = JsonPath.StringAt($"$.waiting.items[0].{JobMetadataSchema.UpdatedAt}.S"),
                        ["statuses"] = WakeWaitingExecution.FinalStatuses,
                        ["count"] = JsonPath.NumberAt("$.waiting.count"),
                    },
                    ResultPath = "$.waiting",
                }).Next(eachStatus))
            .Otherwise(nextRound));

        return Chain.Start(new Pass(this, "Start the first sweep", new PassProps
        {
            Parameters = new Dictionary<string, object> { ["round"] = 1 },
        })).Next(findWaiting);
    }

    /// <summary>Lists this stack's jobs of one status, newest first, back to the oldest wait, waking the waited-for ones.</summary>
    private Chain ListBackToTheOldestWait(FinishedJobSweepProps props)
    {
        var wakeFinished = WakeFinishedJobs(props.Metadata);
        var listNewest = ListJobs("List this stack's newest jobs", props.JobNamePrefix, nextToken: null);
        var listOlder = ListJobs("List older jobs", props.JobNamePrefix, nextToken: "$.page.NextToken");
        var listed = new Succeed(this, "Listed back to the oldest wait");

        var lastPageReached = new Choice(this, "Does the page reach back to the oldest wait?", new ChoiceProps
        {
            Comment = "Jobs are listed newest first: older pages hold only jobs created before any waiting execution started.",
        })
            .When(Condition.TimestampLessThanJsonPath("$.last.job.CreationTime", "$.waiting.since"), listed)
            .Otherwise(listOlder);

        listNewest.Next(wakeFinished);
        listOlder.Next(wakeFinished);
        wakeFinished.Next(new Choice(this, "Are older jobs listed?")
            .When(
                Condition.IsPresent("$.page.NextToken"),
                new Pass(this, "Note the page's oldest job", new PassProps
                {
                    Parameters = new Dictionary<string, object>
                    {
                        ["job.$"] = "States.ArrayGetItem($.page.TranscriptionJobSummaries, States.MathAdd(States.ArrayLength($.page.TranscriptionJobSummaries), -1))",
                    },
                    ResultPath = "$.last",
                }).Next(lastPageReached))
            .Otherwise(listed));
        return Chain.Start(listNewest);
    }

    private CallAwsService FindWaitingJobs(JobMetadataTable metadata)
    {
        var task = new CallAwsService(this, "Find the jobs still waited for", new CallAwsServiceProps
        {
            Comment = "TRANSCRIBING items by the status index, oldest wait first, the first MostWaitingJobs of them.",
            Service = "dynamodb",
            Action = "query",
            // The role takes no policy updates; its statements are granted in the constructor.
            IamResources = ["*"],
            Parameters = new Dictionary<string, object>
            {
                ["TableName"] = metadata.Table.TableName,
                ["IndexName"] = JobMetadataSchema.StatusIndex,
                ["KeyConditionExpression"] = "#status = :transcribing",
                ["ProjectionExpression"] = JobMetadataTable.Projection([JobMetadataSchema.JobName, JobMetadataSchema.UpdatedAt]),
                ["ExpressionAttributeNames"] = JobMetadataTable.ExpressionNames(QueriedAttributes),
                ["ExpressionAttributeValues"] = new Dictionary<string, object> { [":transcribing"] = new Dictionary<string, object> { ["S"] = JobMetadataSchema.Transcribing } },
                ["ScanIndexForward"] = true,
                // The oldest waits only: their names must fit the state (256 KB) beside a listed page.
                ["Limit"] = MostWaitingJobs,
            },
            ResultSelector = new Dictionary<string, object>
            {
                ["count"] = JsonPath.NumberAt("$.Count"),
                ["items"] = JsonPath.ListAt("$.Items"),
            },
            ResultPath = "$.waiting",
        });
        task.AddRetry(Retries.DynamoDbSdk(maxAttempts: 3));
        return task;
    }

    private CallAwsService ListJobs(string name, string jobNamePrefix, string? nextToken)
    {
        var parameters = new Dictionary<string, object>
        {
            // Contains, not starts with: the wake-up only takes names of waiting items, which are this stack's.
            ["JobNameContains"] = jobNamePrefix,
            ["Status"] = JsonPath.StringAt("$.status"),
            ["MaxResults"] = ListPageSize,
        };
        if (nextToken is not null)
        {
            parameters["NextToken"] = JsonPath.StringAt(nextToken);
        }

        var task = new CallAwsService(this, name, new CallAwsServiceProps
        {
            Service = "transcribe",
            Action = "listTranscriptionJobs",
            IamResources = ["*"],
            Parameters = parameters,
            // The page as listed: NextToken is absent on the last one, so it cannot be selected by path.
            ResultPath = "$.page",
        });
        task.AddRetry(new RetryProps
        {
            Errors = [TranscriptionWorkflow.TranscribeLimitExceeded, TranscriptionWorkflow.TranscribeInternalFailure],
            Interval = Duration.Seconds(1),
            BackoffRate = 2,
            MaxAttempts = 4,
            JitterStrategy = JitterType.FULL,
        });
        return task;
    }

    /// <summary>Every listed job that is finished and still waited for: wake its execution.</summary>
    private Map WakeFinishedJobs(JobMetadataTable metadata)
    {
        var map = new Map(this, "Wake the executions of finished jobs", new MapProps
        {
            ItemsPath = "$.page.TranscriptionJobSummaries",
            ItemSelector = new Dictionary<string, object>
            {
                // The shape of the completion event's detail, as the wake-up states read it.
                ["detail"] = new Dictionary<string, object>
                {
                    ["TranscriptionJobName"] = JsonPath.StringAt("$$.Map.Item.Value.TranscriptionJobName"),
                    ["TranscriptionJobStatus"] = JsonPath.StringAt("$$.Map.Item.Value.TranscriptionJobStatus"),
                },
                ["waitedFor.$"] = "States.ArrayContains($.waiting.names, $$.Map.Item.Value.TranscriptionJobName)",
            },
            MaxConcurrency = WakeConcurrency,
            ResultPath = JsonPath.DISCARD,
        });
        var finished = Condition.Or(WakeWaitingExecution.FinalStatuses.Select(status => Condition.StringEquals("$.detail.TranscriptionJobStatus", status)).ToArray());
        map.ItemProcessor(new Choice(this, "Has a job still waited for finished?")
            .When(Condition.And(Condition.BooleanEquals("$.waitedFor", true), finished), WakeWaitingExecution.Build(this, metadata))
            .Otherwise(new Succeed(this, "Nothing to wake for the job")));
        return map;
    }
}
