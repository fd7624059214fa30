using System.Globalization;
using Timeout = Amazon.CDK.AWS.StepFunctions.Timeout;

namespace TranscribeStack.Cdk.Triggering;

public sealed class IntakeAdmitterProps : PipelineConstructProps
{
    /// <summary>The durable intake the uploads wait in.</summary>
    public required IQueue Intake { get; init; }

    /// <summary>The doorbell writes its objects under the media bucket's signal prefix (the admitter's rule listens for them).</summary>
    public required MediaIngestion Media { get; init; }

    /// <summary>The window's counter and slot items live in the job table (keys no job name can take).</summary>
    public required JobMetadataTable Metadata { get; init; }

    /// <summary>The workflow each admitted upload starts, named after it.</summary>
    public required IStateMachine Workflow { get; init; }

    /// <summary>The job planner: it names the execution (one fact, one place), and the job is named after the execution.</summary>
    public required IFunction JobPlanner { get; init; }

    /// <summary>Uploads admitted and not yet freed, at most (<c>intake.window</c>).</summary>
    public required int Window { get; init; }
}

/// <summary>
/// Admits uploads from the intake into the workflow while fewer than <see cref="IntakeAdmitterProps.Window"/>
/// of this stack's uploads are in flight: take a slot (a conditional counter in the job table), receive one
/// upload, name its execution (the planner), claim the slot under that name, start the workflow, delete the
/// message; again, until the window is full or the intake empty. An Express workflow of SDK integrations,
/// started by the doorbell (a few seconds after uploads arrive, once per Firehose buffer), by each workflow
/// execution as it ends (its input <c>{"release": "&lt;execution name&gt;"}</c> first frees that execution's
/// slot), by the execution-end recorder for executions that ended at a step, and by an operator to drain a
/// stuck intake. Nothing it refuses is lost: an upload it cannot start goes back to the intake.
/// Its name is fixed (<c>&lt;stack&gt;-IntakeAdmitter</c>): the workflow starts it and it starts the workflow,
/// and two references would be a cycle.
/// </summary>
public sealed class IntakeAdmitter : Construct
{
    /// <summary>The input field that names the execution whose slot is freed.</summary>
    internal const string Release = "$.release";

    private const string Received = "$.received";

    private const string Message = "$.message";

    private const string Named = "$.named";

    /// <summary>Seconds a receive waits for a message: long polling asks every SQS server, so an upload is not missed.</summary>
    private const int ReceiveWaitSeconds = 1;

    /// <summary>Seconds an upload Step Functions refused to start waits in the intake before it is received again.</summary>
    private const int RefusedUploadDelaySeconds = 60;

    /// <summary>
    /// Starts in a row before a one-second pause: while the window first fills (a burst into an empty window, up
    /// to intake.window starts in one run), each start is followed by the workflow's StartTranscriptionJob, whose
    /// quota is 25 a second; ten a second keep a run under half of it. One upload admitted per finished job, the
    /// steady state, never reaches ten in a run and never pauses.
    /// </summary>
    internal const int StartsPerSecond = 10;

    private const string Paced = "$.paced";

    private readonly IntakeAdmitterProps props;

    public IntakeAdmitter(Construct scope, string id, IntakeAdmitterProps props)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(props);
        this.props = props;
        StateMachineName = NameIn(Stack.Of(this));
        Express = EventStartedExpressWorkflow.Create(this, new EventStartedExpressWorkflowOptions
        {
            Context = props.Context,
            StateMachineName = StateMachineName,
            Comment = $"TranscribeStack ({props.Context.EnvironmentName}): admit uploads from the intake while the window has room",
            Definition = Definition,
            // An Express workflow's longest: filling an empty window of 1,000 takes far less.
            Timeout = Duration.Minutes(5),
            RoleDescription = "TranscribeStack intake admitter: moves uploads from the intake into the workflow, within the window",
            GrantRole = Grant,
            RuleDescription = "Starts the intake admitter when the doorbell writes its buffered records",
            EventPattern = props.Media.ObjectsCreatedUnder(props.Media.SignalPrefix),
            TargetRoleDescription = "TranscribeStack intake doorbell: starts the admitter",
            // A doorbell not answered within the hour is replaced by any later one, or by a finished job.
            MaxEventAge = Duration.Hours(1),
            RetryAttempts = 20,
        });
    }

    /// <summary>Its Express state machine, the rule that starts it, their roles, log group and the rule's dead-letter queue.</summary>
    public EventStartedExpressWorkflow Express { get; }

    /// <summary>The admitter's fixed name, <c>&lt;stack name&gt;-IntakeAdmitter</c>.</summary>
    public string StateMachineName { get; }

    /// <summary>The admitter's name in a stack (the workflow and the recorder start it by this name).</summary>
    public static string NameIn(Stack stack) => $"{stack.StackName}-IntakeAdmitter";

    /// <summary>The admitter as a reference made from its name, for those it must not depend on (no cycle).</summary>
    public static IStateMachine FromName(Construct scope, string id) =>
        Amazon.CDK.AWS.StepFunctions.StateMachine.FromStateMachineName(scope, id, NameIn(Stack.Of(scope)));

    /// <summary>
    /// The state that hands an ended execution's slot back: StartExecution of the admitter with
    /// <c>{"release": &lt;the execution's name at <paramref name="executionNamePath"/>&gt;}</c>, StartExecution's errors
    /// retried. The workflow runs one before each of its ends, the execution-end recorder one for every end it hears of.
    /// </summary>
    internal static StepFunctionsStartExecution FreeTheSlotOf(Construct scope, string name, IStateMachine admitter,
        string executionNamePath, string comment)
    {
        var task = new StepFunctionsStartExecution(scope, name, new StepFunctionsStartExecutionProps
        {
            Comment = comment,
            StateMachine = admitter,
            IntegrationPattern = IntegrationPattern.REQUEST_RESPONSE,
            Input = TaskInput.FromObject(new Dictionary<string, object> { ["release"] = JsonPath.StringAt(executionNamePath) }),
            ResultPath = JsonPath.DISCARD,
            TaskTimeout = Timeout.Duration(Duration.Seconds(5)),
        });
        task.AddRetry(Retries.StartExecutionThrottled());
        task.AddRetry(Retries.StartExecutionFailed());
        return task;
    }

    private static Dictionary<string, object> S(string value) => new() { ["S"] = value };

    private static Dictionary<string, object> N(int value) => new() { ["N"] = value.ToString(CultureInfo.InvariantCulture) };

    private static Dictionary<string, object> WindowItemKey => new() { [JobMetadataSchema.JobName] = S(JobMetadataSchema.WindowKey) };

    private static Dictionary<string, object> SlotKey(string executionNamePath) =>
        new()
        {
            [JobMetadataSchema.JobName] =
                new Dictionary<string, object> { ["S.$"] = $"States.Format('{JobMetadataSchema.SlotKeyPrefix}{{}}', {executionNamePath})" },
        };

    /// <summary>The window item's counter, one less: a slot given back (part of a request, or of a transaction's Update).</summary>
    private Dictionary<string, object> CountOneLess => new()
    {
        ["TableName"] = props.Metadata.Table.TableName,
        ["Key"] = WindowItemKey,
        ["UpdateExpression"] = "ADD #inFlight :minusOne",
        ["ExpressionAttributeNames"] = new Dictionary<string, object> { ["#inFlight"] = JobMetadataSchema.InFlight },
        ["ExpressionAttributeValues"] = new Dictionary<string, object> { [":minusOne"] = N(-1) },
    };

    /// <summary>
    /// One AWS SDK call whose result is not kept, with its retrier. The role takes no policy updates (its
    /// statements are in <see cref="Grant"/>), so the task's own IAM resources are never attached.
    /// </summary>
    private CallAwsService Call(string name, string service, string action, Dictionary<string, object> parameters, RetryProps retry,
        string? comment = null)
    {
        var task = SdkCall.Create(this, name, service, action, parameters, comment: comment);
        task.AddRetry(retry);
        return task;
    }

    /// <summary>Free a slot if asked, then admit until the window is full or the intake empty.</summary>
    private Chain Definition()
    {
        var takeASlot = TakeASlot();
        var admitted = DeleteTheMessage(StateNames.Admitter.DeleteAdmittedUploadFromIntake).Next(PaceTheStarts(takeASlot));
        var handled = DeleteTheMessage(StateNames.Admitter.DeleteUploadAlreadyHandled).Next(takeASlot);

        var start = StartTheWorkflow(
            alreadyHandled: FreeASlot(StateNames.Admitter.FreeSlotOfUploadAlreadyHandled, "$.named.executionName", next: handled),
            refused: FreeASlot(StateNames.Admitter.FreeSlotOfRefusedUpload, "$.named.executionName", next: ReturnTheUpload()));
        var claim = ClaimTheSlot(
            inFlightAlready: GiveTheSlotBack(StateNames.Admitter.GiveBackSlotOfUploadAlreadyInFlight).Next(
                DeleteTheMessage(StateNames.Admitter.DeleteDuplicateOfUploadInFlight).Next(takeASlot)));
        var name = NameTheExecution(onError: new Pass(this, StateNames.Admitter.NameExecutionAfterMessage, new PassProps
        {
            Comment = "The planner refused the event: the workflow still runs (and records the malformed event as a failure), "
                + "named after the message.",
            Parameters =
                new Dictionary<string, object> { ["executionName.$"] = $"States.Format('unnamed-{{}}', {Received}.Messages[0].MessageId)" },
            ResultPath = Named,
        }).Next(claim));
        var receive = ReceiveAnUpload();
        takeASlot.Next(receive);
        receive.Next(new Choice(this, StateNames.Admitter.IsUploadWaitingInIntake)
            .When(
                Condition.IsPresent($"{Received}.Messages[0]"),
                new Pass(this, StateNames.Admitter.ReadUpload, new PassProps
                {
                    Parameters = new Dictionary<string, object>
                    {
                        ["upload.$"] = $"States.StringToJson({Received}.Messages[0].Body)",
                        ["receipt.$"] = $"{Received}.Messages[0].ReceiptHandle",
                    },
                    ResultPath = Message,
                }).Next(name))
            .Otherwise(
                GiveTheSlotBack(StateNames.Admitter.GiveBackSlotIntakeIsEmpty).Next(new Succeed(this, StateNames.Admitter.IntakeIsEmpty))));
        name.Next(claim);
        claim.Next(start);
        start.Next(admitted);

        var freeOrTake = new Choice(this, StateNames.Admitter.DoesExecutionFreeItsSlot, new ChoiceProps
        {
            Comment = "A workflow execution that ended (or the recorder, for one that ended at a step) frees its slot first.",
        })
            .When(Condition.IsPresent(Release), FreeASlot(StateNames.Admitter.FreeEndedExecutionsSlot, Release, next: takeASlot))
            .Otherwise(takeASlot);
        return Chain.Start(new Pass(this, StateNames.Admitter.StartCountingThisSecondsStarts, new PassProps
        {
            Result = Result.FromObject(new Dictionary<string, object> { ["started"] = 0 }),
            ResultPath = Paced,
        })).Next(freeOrTake);
    }

    /// <summary>Count the run's starts; after every <see cref="StartsPerSecond"/> of them, pause a second.</summary>
    private Chain PaceTheStarts(IChainable next)
    {
        var count = new Pass(this, StateNames.Admitter.CountStartsOfThisSecond, new PassProps
        {
            Parameters = new Dictionary<string, object> { ["started.$"] = $"States.MathAdd({Paced}.started, 1)" },
            ResultPath = Paced,
        });
        var pause = new Pass(this, StateNames.Admitter.StartNewSecondsCount, new PassProps
        {
            Result = Result.FromObject(new Dictionary<string, object> { ["started"] = 0 }),
            ResultPath = Paced,
        });
        pause.Next(
            new Wait(this, StateNames.Admitter.PauseSecondBeforeNextStarts,
                new WaitProps { Time = WaitTime.Duration(Duration.Seconds(1)) })).Next(next);
        return Chain.Start(count).Next(new Choice(this, StateNames.Admitter.WereThisSecondsStartsMade, new ChoiceProps
        {
            Comment = "StartTranscriptionJob follows each start at once: a burst of starts is a burst of Transcribe calls.",
        })
            .When(Condition.NumberGreaterThanEquals($"{Paced}.started", StartsPerSecond), pause)
            .Otherwise(next));
    }

    /// <summary>One more upload in flight, unless the window is full (the counter starts at zero).</summary>
    private CallAwsService TakeASlot()
    {
        var task = Call(
            StateNames.Admitter.TakeSlotInWindow,
            "dynamodb",
            "updateItem",
            new Dictionary<string, object>
            {
                ["TableName"] = props.Metadata.Table.TableName,
                ["Key"] = WindowItemKey,
                ["UpdateExpression"] = "SET #inFlight = if_not_exists(#inFlight, :zero) + :one",
                ["ConditionExpression"] = "attribute_not_exists(#inFlight) OR #inFlight < :window",
                ["ExpressionAttributeNames"] = new Dictionary<string, object> { ["#inFlight"] = JobMetadataSchema.InFlight },
                ["ExpressionAttributeValues"] =
                    new Dictionary<string, object> { [":zero"] = N(0), [":one"] = N(1), [":window"] = N(props.Window) },
            },
            Retries.DynamoDbSdk(maxAttempts: 3),
            "Counts the uploads in flight; refused when the window is full.");
        task.AddCatch(
            new Succeed(this, StateNames.Admitter.WindowIsFull,
                new SucceedProps { Comment = "The next finished job frees a slot and starts the admitter again." }),
            new CatchProps { Errors = [TranscriptionWorkflow.ConditionFailed], ResultPath = JsonPath.DISCARD });
        return task;
    }

    private CallAwsService GiveTheSlotBack(string name)
        => Call(name, "dynamodb", "updateItem", CountOneLess, Retries.DynamoDbSdk(maxAttempts: 3));

    /// <summary>
    /// Delete the execution's slot item and count one upload less, in one transaction: a second release of the
    /// same execution (a redrive after the recorder freed it, a repeated event) finds no slot item and frees nothing.
    /// </summary>
    private CallAwsService FreeASlot(string name, string executionNamePath, IChainable next)
    {
        var deleteTheSlot = new Dictionary<string, object>
        {
            ["TableName"] = props.Metadata.Table.TableName,
            ["Key"] = SlotKey(executionNamePath),
            ["ConditionExpression"] = "attribute_exists(#jobName)",
            ["ExpressionAttributeNames"] = new Dictionary<string, object> { ["#jobName"] = JobMetadataSchema.JobName },
        };
        var task = Call(
            name,
            "dynamodb",
            "transactWriteItems",
            new Dictionary<string, object>
            {
                ["TransactItems"] = new object[]
                {
                    new Dictionary<string, object> { ["Delete"] = deleteTheSlot },
                    new Dictionary<string, object> { ["Update"] = CountOneLess },
                },
            },
            Retries.DynamoDbSdk(maxAttempts: 3));
        // No slot item: freed already (or the execution was started by hand, outside the window).
        task.AddCatch(next, new CatchProps { Errors = [TransactionCanceled], ResultPath = JsonPath.DISCARD });
        task.Next(next);
        return task;
    }

    /// <summary>The SDK integration's name for a cancelled transaction (a condition of one of its items failed).</summary>
    internal const string TransactionCanceled = "DynamoDb.TransactionCanceledException";

    private CallAwsService ReceiveAnUpload()
    {
        var task = new CallAwsService(this, StateNames.Admitter.ReceiveNextUpload, new CallAwsServiceProps
        {
            Comment = "One message; hidden from other receivers for the queue's visibility timeout while it is admitted.",
            Service = "sqs",
            Action = "receiveMessage",
            IamResources = ["*"],
            Parameters = new Dictionary<string, object>
            {
                ["QueueUrl"] = props.Intake.QueueUrl,
                ["MaxNumberOfMessages"] = 1,
                ["WaitTimeSeconds"] = ReceiveWaitSeconds,
            },
            ResultPath = Received,
        });
        task.AddRetry(Retries.SqsSdk(usesKey: true));
        return task;
    }

    private LambdaInvoke NameTheExecution(IChainable onError)
    {
        var task = new LambdaInvoke(this, StateNames.Admitter.NameExecutionAfterUpload, new LambdaInvokeProps
        {
            Comment = "The planner names it from bucket, key and version: every delivery of the event gets the same name.",
            LambdaFunction = props.JobPlanner,
            Payload = TaskInput.FromObject(
                new Dictionary<string, object> { [$"{NamedExecution.RequestProperty}.$"] = $"{Message}.upload" }),
            PayloadResponseOnly = true,
            RetryOnServiceExceptions = false,
            ResultPath = Named,
            TaskTimeout = Timeout.Duration(Duration.Seconds(15)),
        });
        task.AddRetry(Retries.Lambda());
        task.AddCatch(onError, new CatchProps { Errors = [Errors.ALL], ResultPath = JsonPath.DISCARD });
        return task;
    }

    private CallAwsService ClaimTheSlot(IChainable inFlightAlready)
    {
        var task = Call(
            StateNames.Admitter.ClaimSlotForExecution,
            "dynamodb",
            "putItem",
            new Dictionary<string, object>
            {
                ["TableName"] = props.Metadata.Table.TableName,
                ["Item"] = SlotKey($"{Named}.executionName"),
                ["ConditionExpression"] = "attribute_not_exists(#jobName)",
                ["ExpressionAttributeNames"] = new Dictionary<string, object> { ["#jobName"] = JobMetadataSchema.JobName },
            },
            Retries.DynamoDbSdk(maxAttempts: 3),
            "One slot item per admitted execution: its release deletes it, so a slot is freed once.");
        // The execution holds a slot already: a duplicate event of an upload in flight.
        task.AddCatch(inFlightAlready, new CatchProps { Errors = [TranscriptionWorkflow.ConditionFailed], ResultPath = JsonPath.DISCARD });
        return task;
    }

    private StepFunctionsStartExecution StartTheWorkflow(IChainable alreadyHandled, IChainable refused)
    {
        var task = new StepFunctionsStartExecution(
            this,
            StateNames.Admitter.StartWorkflowExecutionNamedAfterUpload,
            new StepFunctionsStartExecutionProps
            {
                StateMachine = props.Workflow,
                IntegrationPattern = IntegrationPattern.REQUEST_RESPONSE,
                // The workflow's input is the upload event itself, as EventBridge put it into the intake.
                Input = TaskInput.FromJsonPathAt($"{Message}.upload"),
                Name = JsonPath.StringAt($"{Named}.executionName"),
                ResultPath = JsonPath.DISCARD,
                TaskTimeout = Timeout.Duration(Duration.Seconds(5)),
            });
        task.AddRetry(Retries.NeverExecutionAlreadyExists());
        // The window paces the starts far below StartExecution's quota; a throttled start is retried a little,
        // then the upload goes back to the intake rather than retrying into the quota.
        task.AddRetry(Retries.StartExecutionThrottled());
        task.AddCatch(alreadyHandled, new CatchProps { Errors = [Retries.ExecutionAlreadyExists], ResultPath = JsonPath.DISCARD });
        task.AddCatch(refused, new CatchProps { Errors = [Errors.ALL], ResultPath = "$.error" });
        return task;
    }

    private CallAwsService DeleteTheMessage(string name) => Call(
        name,
        "sqs",
        "deleteMessage",
        new Dictionary<string, object>
        {
            ["QueueUrl"] = props.Intake.QueueUrl,
            ["ReceiptHandle"] = JsonPath.StringAt($"{Message}.receipt"),
        },
        Retries.SqsSdk(usesKey: false));

    /// <summary>Step Functions refused the start: the upload goes back to the intake for a later admitter.</summary>
    private CallAwsService ReturnTheUpload()
    {
        var task = Call(
            StateNames.Admitter.ReturnUploadToIntake,
            "sqs",
            "changeMessageVisibility",
            new Dictionary<string, object>
            {
                ["QueueUrl"] = props.Intake.QueueUrl,
                ["ReceiptHandle"] = JsonPath.StringAt($"{Message}.receipt"),
                ["VisibilityTimeout"] = RefusedUploadDelaySeconds,
            },
            Retries.SqsSdk(usesKey: false),
            "Visible again after a minute; the admitter stops here rather than retry into the quota.");
        task.Next(new Fail(this, StateNames.Admitter.StepFunctionsRefusedStart, new FailProps
        {
            Comment = "The upload waits in the intake; the admitter's failure says why.",
            ErrorPath = "$.error.Error",
            CausePath = "$.error.Cause",
        }));
        return task;
    }

    /// <summary>The statements the states need, and nothing else (the role takes no policy updates).</summary>
    private void Grant(Role role)
    {
        props.Metadata.GrantWindow(role);
        props.Intake.Grant(role, "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility");
        props.Context.Key.GrantViaService(role, "sqs", ["kms:Decrypt"],
            new KeyValuePair<string, string>("aws:sqs:arn", props.Intake.QueueArn));
        props.JobPlanner.GrantInvoke(role);
        props.Workflow.GrantStartExecution(role);
        NagAcknowledgements.Acknowledge(
            NagAcknowledgements.DefaultPolicy(role),
            new NagAcknowledgement("AwsSolutions-IAM5",
                "Log delivery and X-Ray have no resource type (see UnscopedActions); the planner is invoked by any version qualifier "
                + "(function:*)."));
    }
}
