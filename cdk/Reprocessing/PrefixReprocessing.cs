using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AWS.StepFunctions;
using Amazon.CDK.AWS.StepFunctions.Tasks;
using TranscribeStack.Cdk.Ingestion;
using TranscribeStack.Cdk.Workflow;
using TranscribeStack.Contracts;
using LogGroupProps = Amazon.CDK.AWS.Logs.LogGroupProps;
using Timeout = Amazon.CDK.AWS.StepFunctions.Timeout;

namespace TranscribeStack.Cdk.Reprocessing;

public sealed class PrefixReprocessingProps : LoggingConstructProps
{
    public required string EnvironmentName { get; init; }

    /// <summary>The media whose objects are listed; only keys under its prefix may be.</summary>
    public required MediaIngestion Media { get; init; }

    /// <summary>The workflow each object is re-processed by, as a named execution.</summary>
    public required IStateMachine Workflow { get; init; }

    /// <summary>The workflow's name (for its executions' ARNs, which DescribeExecution and StopExecution take).</summary>
    public required string WorkflowName { get; init; }

    /// <summary>The job planner: it names each object's execution, as the upload starter does.</summary>
    public required IFunction JobPlanner { get; init; }

    /// <summary>Objects re-processed at once (validated under Transcribe's concurrent-job quota).</summary>
    public required int MaxConcurrency { get; init; }
}

/// <summary>
/// Re-processes every object under a prefix of the media (after a vocabulary change, say) with one command:
/// <c>aws stepfunctions start-execution --state-machine-arn &lt;ReprocessingStateMachineArn&gt; --input
/// '{"prefix":"media/2026/","rerun":"vocab-2026-11"}'</c>. A Standard workflow whose Distributed Map lists
/// the prefix (ListObjectsV2 through the ItemReader) and runs, for each object, the workflow to its end
/// (StartExecution.sync:2) under the execution name the planner gives the object with the re-run marker: at
/// most <c>reprocessing.maxConcurrency</c> transcriptions of the run are in flight, and the console's Map Run
/// page shows the progress (items pending, running, succeeded, failed). The marker makes a new job beside
/// the original's final item; running the same command again maps every object to the same names, and
/// StartExecution answers ExecutionAlreadyExists: already re-processed, nothing added.
/// </summary>
public sealed class PrefixReprocessing : Construct
{
    /// <summary>The Map Run label the console shows.</summary>
    internal const string MapRunLabel = "reprocess";

    /// <summary>The command's input: the prefix to list and the re-run marker.</summary>
    internal const string Prefix = "$.prefix";

    internal const string Rerun = "$.rerun";

    /// <summary>Where the planner's answer is put in a child's state.</summary>
    private const string Named = "$.named";

    private readonly PrefixReprocessingProps props;

    public PrefixReprocessing(Construct scope, string id, PrefixReprocessingProps props)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(props);
        this.props = props;
        var role = StateMachineRoles.Create(this, "Role", "TranscribeStack re-processing: re-runs every object under a prefix of the media");
        // A physical name, against the rule of generated names: its own role and the operators' policy grant its
        // executions and Map Runs by ARN, and its own ARN in its role's policy would be a cycle (role -> state
        // machine -> role). A generated name ("<logical id>-<suffix>") could only be granted by the logical id's
        // pattern, which every environment's state machine in the account matches; the stack's name makes the
        // grants this environment's alone.
        StateMachineName = $"{Stack.Of(this).StackName}-Reprocessing";
        LogGroup = new LogGroup(this, "Logs", new LogGroupProps
        {
            EncryptionKey = props.Key,
            Retention = props.LogRetention,
            RemovalPolicy = props.RemovalPolicy,
        });
        var stateMachine = new StateMachine(this, "StateMachine", new StateMachineProps
        {
            StateMachineName = StateMachineName,
            StateMachineType = StateMachineType.STANDARD,
            Comment = $"TranscribeStack ({props.EnvironmentName}): re-process every object under a prefix of the media, each as a named re-run",
            DefinitionBody = DefinitionBody.FromChainable(Definition()),
            Role = role.WithoutPolicyUpdates(),
            TracingEnabled = true,
            Logs = new LogOptions { Destination = LogGroup, Level = LogLevel.ALL, IncludeExecutionData = false },
        });
        stateMachine.Node.AddDependency(role);
        Grant(role);
        StateMachine = stateMachine;
        Role = role;
    }

    public IStateMachine StateMachine { get; }

    /// <summary>
    /// The state machine's name, <c>&lt;stack name&gt;-Reprocessing</c>: its executions' ARNs are
    /// execution:&lt;name&gt;:&lt;execution&gt;, its Map Runs' mapRun:&lt;name&gt;/&lt;label&gt;:&lt;id&gt; and their children's
    /// execution:&lt;name&gt;/&lt;label&gt;:&lt;id&gt;.
    /// </summary>
    public string StateMachineName { get; }

    public IRole Role { get; }

    public ILogGroup LogGroup { get; }

    /// <summary>Refuse a request that names no prefix under the media prefix or no marker; then the Map.</summary>
    private Chain Definition()
    {
        var map = ReprocessEveryObject();
        return Chain.Start(new Choice(this, "Does the request name a prefix of the media and a re-run marker?", new ChoiceProps
        {
            Comment = "The role may list only the media prefix, and a re-run needs a marker: the original's job is final.",
        })
            .When(
                // IsPresent first: a comparison on a missing path is a States.Runtime error, not a false.
                Condition.And(
                    Condition.IsPresent(Prefix),
                    Condition.IsString(Prefix),
                    Condition.StringMatches(Prefix, $"{props.Media.MediaPrefix}*"),
                    Condition.IsPresent(Rerun),
                    Condition.Or(Condition.IsString(Rerun), Condition.IsNumeric(Rerun))),
                map)
            .Otherwise(new Fail(this, "The request is refused", new FailProps
            {
                Error = "InvalidReprocessingRequest",
                Cause = $"Start with {{\"prefix\": \"{props.Media.MediaPrefix}<folder>/\", \"rerun\": \"<marker: 1-32 of 0-9 A-Z a-z _ ->\"}}.",
            })));
    }

    private DistributedMap ReprocessEveryObject()
    {
        string Item(string field) => JsonPath.StringAt($"$$.Map.Item.Value.{field}");
        var map = new DistributedMap(this, "Re-process every object under the prefix", new DistributedMapProps
        {
            Comment = "One child per object: its upload event (as S3 would send it) with the re-run marker.",
            ItemReader = new S3ObjectsItemReader(new S3ObjectsItemReaderProps { Bucket = props.Media.Bucket, Prefix = JsonPath.StringAt(Prefix) }),
            // The upload event the planner reads: bucket, key, size and ETag (ListObjectsV2 has no version id).
            ItemSelector = new Dictionary<string, object>
            {
                ["detail"] = new Dictionary<string, object>
                {
                    ["bucket"] = new Dictionary<string, object> { ["name"] = props.Media.Bucket.BucketName },
                    ["object"] = new Dictionary<string, object>
                    {
                        ["key"] = Item("Key"),
                        ["size"] = JsonPath.NumberAt("$$.Map.Item.Value.Size"),
                        ["etag"] = Item("Etag"),
                    },
                },
                ["rerun"] = JsonPath.StringAt(Rerun),
            },
            // Each child runs a transcription to its end: this bounds the run's transcriptions in flight.
            MaxConcurrency = props.MaxConcurrency,
            // A failed object is recorded by its own execution (FAILED item, dead letter): the run goes on, and
            // the Map Run counts it as failed.
            ToleratedFailurePercentage = 100,
            Label = MapRunLabel,
            MapExecutionType = StateMachineType.STANDARD,
            ResultPath = JsonPath.DISCARD,
        });
        map.ItemProcessor(Chain.Start(NameTheReRun()).Next(RunTheReRun()));
        return map;
    }

    private LambdaInvoke NameTheReRun()
    {
        var task = new LambdaInvoke(this, "Name the object's re-run", new LambdaInvokeProps
        {
            Comment = "The name the upload starter gives the object, with the marker: a second run of the command finds it.",
            LambdaFunction = props.JobPlanner,
            Payload = TaskInput.FromObject(new Dictionary<string, object> { [NamedExecution.RequestProperty] = JsonPath.EntirePayload }),
            PayloadResponseOnly = true,
            RetryOnServiceExceptions = false,
            ResultPath = Named,
            TaskTimeout = Timeout.Duration(Duration.Seconds(15)),
        });
        task.AddRetry(Retries.Lambda());
        return task;
    }

    private StepFunctionsStartExecution RunTheReRun()
    {
        var task = new StepFunctionsStartExecution(this, "Run the object's re-run to its end", new StepFunctionsStartExecutionProps
        {
            Comment = "The workflow, named after the object and the marker; .sync:2 waits for it, so MaxConcurrency bounds the transcriptions.",
            StateMachine = props.Workflow,
            IntegrationPattern = IntegrationPattern.RUN_JOB,
            Name = JsonPath.StringAt($"{Named}.{PlanPaths.Name(nameof(NamedExecution.ExecutionName))}"),
            // The workflow's input: the upload event and the marker, as an operator's re-run gives it.
            // (JsonPath.ObjectAt returns a token jsii cannot pass in a dictionary: the path is written out.)
            Input = TaskInput.FromObject(new Dictionary<string, object>
            {
                ["detail.$"] = "$.detail",
                ["rerun"] = JsonPath.StringAt(Rerun),
            }),
            // The child's output is the workflow's: nothing of it is kept (the Map's results stay small).
            ResultPath = JsonPath.DISCARD,
            OutputPath = JsonPath.DISCARD,
        });
        task.AddRetry(Retries.NeverExecutionAlreadyExists());
        task.AddRetry(Retries.StartExecutionThrottled());
        // The object's execution of this marker exists: an earlier run of the same command re-processed it.
        task.AddCatch(
            new Succeed(this, "The object is re-processed already", new SucceedProps { Comment = "Same name, same marker: nothing is added." }),
            new CatchProps { Errors = [Retries.ExecutionAlreadyExists], ResultPath = JsonPath.DISCARD });
        return task;
    }

    /// <summary>
    /// The role's statements, each written here (the role takes no policy updates): what the ItemReader, the
    /// children and the .sync:2 integration need, and nothing else.
    /// </summary>
    private void Grant(Role role)
    {
        var stack = Stack.Of(this);
        // ListObjectsV2 of the media prefix only (the ItemReader's request carries the prefix as s3:prefix).
        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "ListTheMediaPrefix",
            Actions = ["s3:ListBucket"],
            Resources = [props.Media.Bucket.BucketArn],
            Conditions = new Dictionary<string, object>
            {
                ["StringLike"] = new Dictionary<string, object> { ["s3:prefix"] = new[] { $"{props.Media.MediaPrefix}*" } },
            },
        }));
        props.JobPlanner.GrantInvoke(role);
        // The workflow, run to its end: start it, follow and (when the run is stopped) stop its executions, and
        // the managed rule Step Functions uses to hear that a child ended (connect-stepfunctions.html, .sync).
        props.Workflow.GrantStartExecution(role);
        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "FollowTheWorkflowsExecutions",
            Actions = ["states:DescribeExecution", "states:StopExecution"],
            Resources = [stack.FormatArn(new ArnComponents { Service = "states", Resource = "execution", ResourceName = $"{props.WorkflowName}:*", ArnFormat = ArnFormat.COLON_RESOURCE_NAME })],
        }));
        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "HearThatAnExecutionEnded",
            Actions = ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
            Resources = [stack.FormatArn(new ArnComponents { Service = "events", Resource = "rule", ResourceName = "StepFunctionsGetEventsForStepFunctionsExecutionRule", ArnFormat = ArnFormat.SLASH_RESOURCE_NAME })],
        }));
        // The Distributed Map runs its children as executions of this state machine: its exact ARN, from its name
        // (the reference would be a cycle: role -> state machine -> role).
        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "RunTheMapsChildren",
            Actions = ["states:StartExecution"],
            Resources = [stack.FormatArn(new ArnComponents { Service = "states", Resource = "stateMachine", ResourceName = StateMachineName, ArnFormat = ArnFormat.COLON_RESOURCE_NAME })],
        }));
        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "FollowTheMapsChildren",
            Actions = ["states:DescribeExecution", "states:StopExecution"],
            Resources = [stack.FormatArn(new ArnComponents { Service = "states", Resource = "execution", ResourceName = $"{StateMachineName}/*", ArnFormat = ArnFormat.COLON_RESOURCE_NAME })],
        }));
        NagAcknowledgements.Acknowledge(
            NagAcknowledgements.DefaultPolicy(role),
            new NagAcknowledgement("AwsSolutions-IAM5", "Log delivery and X-Ray have no resource type (see UnscopedActions); the planner by any version qualifier (function:*); the media prefix's keys (s3:prefix media/*); the workflow's executions (execution:<its name>:*) and this state machine's Map Run children (execution:<its name>/*)."));
    }
}
