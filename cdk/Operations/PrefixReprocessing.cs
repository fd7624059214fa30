using TranscribeStack.Cdk.Triggering;

namespace TranscribeStack.Cdk.Operations;

public sealed class PrefixReprocessingProps : PipelineConstructProps
{
    /// <summary>The media whose objects are listed; only keys under its prefix may be.</summary>
    public required MediaIngestion Media { get; init; }

    /// <summary>The durable intake each object's upload event is put into, to be admitted within the window.</summary>
    public required UploadTrigger Intake { get; init; }

    /// <summary>The admitter, started once the objects are in the intake.</summary>
    public required IStateMachine Admitter { get; init; }

    /// <summary>Objects put into the intake at once by the Distributed Map.</summary>
    public required int MaxConcurrency { get; init; }
}

/// <summary>
/// Re-processes every object under a prefix of the media (after a vocabulary change, say) with one command:
/// <c>aws stepfunctions start-execution --state-machine-arn &lt;ReprocessingStateMachineArn&gt; --input
/// '{"prefix":"media/2026/","rerun":"vocab-2026-11"}'</c>. A Standard workflow whose Distributed Map lists
/// the prefix (ListObjectsV2 through the ItemReader) and puts, for each object, its upload event with the
/// re-run marker into the durable intake, then starts the admitter: the re-runs go through the same window
/// as uploads, so a re-processed archive never crowds out new uploads or Transcribe's quotas. The admitter
/// names each execution after the object and the marker; running the same command again maps every object to
/// the same names, and StartExecution answers ExecutionAlreadyExists: already re-processed, nothing added.
/// </summary>
public sealed class PrefixReprocessing : Construct
{
    /// <summary>The Map Run label the console shows.</summary>
    internal const string MapRunLabel = "reprocess";

    /// <summary>The command's input: the prefix to list and the re-run marker.</summary>
    internal const string Prefix = "$.prefix";

    internal const string Rerun = "$.rerun";

    private readonly PrefixReprocessingProps props;

    public PrefixReprocessing(Construct scope, string id, PrefixReprocessingProps props)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(props);
        this.props = props;
        // A physical name, against the rule of generated names: its own role and the operators' policy grant its
        // executions and Map Runs by ARN, and its own ARN in its role's policy would be a cycle (role -> state
        // machine -> role). A generated name ("<logical id>-<suffix>") could only be granted by the logical id's
        // pattern, which every environment's state machine in the account matches; the stack's name makes the
        // grants this environment's alone.
        StateMachineName = $"{Stack.Of(this).StackName}-Reprocessing";
        var built = PipelineStateMachine.Create(this, new PipelineStateMachineOptions
        {
            Context = props.Context,
            StateMachineName = StateMachineName,
            Comment = $"TranscribeStack ({props.Context.EnvironmentName}): re-process every object under a prefix of the media, "
                + "each as a named re-run",
            Definition = Definition,
            RoleDescription = "TranscribeStack re-processing: re-runs every object under a prefix of the media",
        });
        Grant(built.Role);
        StateMachine = built.StateMachine;
        Role = built.Role;
        LogGroup = built.LogGroup;
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
        map.Next(RingTheAdmitter());
        return Chain.Start(new Choice(this, StateNames.Reprocessing.DoesRequestNamePrefixOfMediaAndReRunMarker, new ChoiceProps
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
            .Otherwise(new Fail(this, StateNames.Reprocessing.RequestIsRefused, new FailProps
            {
                Error = "InvalidReprocessingRequest",
                Cause = $"Start with {{\"prefix\": \"{props.Media.MediaPrefix}<folder>/\", "
                    + $"\"rerun\": \"<marker: 1-32 of 0-9 A-Z a-z _ ->\"}}.",
            })));
    }

    private DistributedMap ReprocessEveryObject()
    {
        string Item(string field) => JsonPath.StringAt($"$$.Map.Item.Value.{field}");
        var map = new DistributedMap(this, StateNames.Reprocessing.ReProcessEveryObjectUnderPrefix, new DistributedMapProps
        {
            Comment = "One child per object: its upload event (as S3 would send it) with the re-run marker.",
            ItemReader = new S3ObjectsItemReader(
                new S3ObjectsItemReaderProps { Bucket = props.Media.Bucket, Prefix = JsonPath.StringAt(Prefix) }),
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
            // Children at once: each only puts its object into the intake; the window bounds the transcriptions.
            MaxConcurrency = props.MaxConcurrency,
            // An object SQS would not take (after the retries) fails the run: a redrive puts the objects left.
            ToleratedFailurePercentage = 0,
            Label = MapRunLabel,
            MapExecutionType = StateMachineType.STANDARD,
            ResultPath = JsonPath.DISCARD,
        });
        map.ItemProcessor(Chain.Start(PutTheReRunIntoTheIntake()));
        return map;
    }

    private SqsSendMessage PutTheReRunIntoTheIntake()
    {
        var task = new SqsSendMessage(this, StateNames.Reprocessing.PutObjectsReRunIntoIntake, new SqsSendMessageProps
        {
            Comment = "Its upload event and the marker, as the workflow reads them; the admitter starts it within the window.",
            Queue = props.Intake.IntakeQueue,
            // (JsonPath.ObjectAt returns a token jsii cannot pass in a dictionary: the path is written out.)
            MessageBody = TaskInput.FromObject(new Dictionary<string, object>
            {
                ["detail.$"] = "$.detail",
                ["rerun"] = JsonPath.StringAt(Rerun),
            }),
            ResultPath = JsonPath.DISCARD,
        });
        task.AddRetry(Retries.Sqs());
        return task;
    }

    private StepFunctionsStartExecution RingTheAdmitter() =>
        new(this, StateNames.Reprocessing.StartAdmitter, new StepFunctionsStartExecutionProps
        {
            Comment = "The re-runs wait in the intake; the admitter admits them while the window has room.",
            StateMachine = props.Admitter,
            IntegrationPattern = IntegrationPattern.REQUEST_RESPONSE,
            Input = TaskInput.FromObject(new Dictionary<string, object>()),
            ResultPath = JsonPath.DISCARD,
        });

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
        props.Intake.GrantSendToIntake(role, props.Context.Key);
        props.Admitter.GrantStartExecution(role);
        // The Distributed Map runs its children as executions of this state machine: its exact ARN, from its name
        // (the reference would be a cycle: role -> state machine -> role).
        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "RunTheMapsChildren",
            Actions = ["states:StartExecution"],
            Resources = [stack.FormatArn(
                new ArnComponents { Service = "states", Resource = "stateMachine", ResourceName = StateMachineName,
                    ArnFormat = ArnFormat.COLON_RESOURCE_NAME })],
        }));
        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "FollowTheMapsChildren",
            Actions = ["states:DescribeExecution", "states:StopExecution"],
            Resources = [stack.FormatArn(
                new ArnComponents { Service = "states", Resource = "execution", ResourceName = $"{StateMachineName}/*",
                    ArnFormat = ArnFormat.COLON_RESOURCE_NAME })],
        }));
        NagAcknowledgements.Acknowledge(
            NagAcknowledgements.DefaultPolicy(role),
            new NagAcknowledgement("AwsSolutions-IAM5",
                "Log delivery and X-Ray have no resource type (see UnscopedActions); the media prefix's keys (s3:prefix media/*); this "
                + "state machine's Map Run children (execution:<its name>/*)."));
    }
}
