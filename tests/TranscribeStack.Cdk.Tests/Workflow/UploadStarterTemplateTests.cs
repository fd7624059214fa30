namespace TranscribeStack.Cdk.Tests.Workflow;

/// <summary>The upload starter: the Express workflow that names the workflow execution of an upload and starts it.</summary>
[Collection(SynthesizedStacksCollection.Name)]
public sealed class UploadStarterTemplateTests(SynthesizedStacks stacks)
{
    private const string Name = "Name the execution after the upload";
    private const string StartNamed = "Start the workflow execution named after the upload";
    private const string StartUnnamed = "Start the workflow execution without a name";
    private const string DeadLetter = "Send the event to the dead-letter queue";
    private const string Handled = "The upload is already handled";
    private const string Started = "The workflow execution is started";
    private const string Lost = "The event is in the dead-letter queue";
    private const string AlreadyExists = "StepFunctions.ExecutionAlreadyExistsException";

    private SynthesizedStack Dev => stacks["dev"];

    private StateMachineDefinition Starter => StateMachineDefinition.Of(Dev, LogicalIds.Starter);

    private IReadOnlyList<Statement> StarterRole => Dev.RoleStatements(LogicalIds.StarterRole);

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Starter_IsAnExpressWorkflowLoggedAndTracedWithItsOwnRole(string environment)
    {
        stacks[environment].Only(LogicalIds.Starter).HasResourceProperties("AWS::StepFunctions::StateMachine", new ObjectDict
        {
            ["StateMachineType"] = "EXPRESS",
            ["RoleArn"] = Cfn.Arn(LogicalIds.StarterRole),
            ["TracingConfiguration"] = new ObjectDict { ["Enabled"] = true },
            ["LoggingConfiguration"] = new ObjectDict { ["Level"] = "ALL", ["IncludeExecutionData"] = false },
        });
    }

    [Fact]
    public void Starter_Flow_NamesStartsAndKeepsEveryEvent()
    {
        var runbook = new Dictionary<string, string[]>
        {
            [Name] = [$"next: {StartNamed}", $"catch States.ALL: {StartUnnamed}"],
            [StartNamed] = [$"next: {Started}", $"catch {AlreadyExists}: {Handled}", $"catch States.ALL: {DeadLetter}"],
            [StartUnnamed] = [$"next: {Started}", $"catch {AlreadyExists}: {Handled}", $"catch States.ALL: {DeadLetter}"],
            [DeadLetter] = [$"next: {Lost}"],
            [Started] = ["succeed"],
            [Handled] = ["succeed"],
            [Lost] = ["fail"],
        };

        Assert.Equal(Name, Starter.StartAt);
        Assert.Equal(runbook.Keys.Order(StringComparer.Ordinal), Starter.StateNames.Order(StringComparer.Ordinal));
        Assert.All(runbook, state => Assert.Equal(state.Value, Starter.Transitions(state.Key)));
    }

    [Fact]
    public void Starter_AsksThePlannerForTheNameOfTheEvent()
    {
        Starter.HasState(Name, new ObjectDict
        {
            ["Resource"] = "arn:" + LogicalIds.JobPlannerFunction,
            ["Parameters"] = Match.ObjectEquals(new ObjectDict { ["executionNameOf.$"] = "$" }),
            ["ResultPath"] = "$.named",
        });
    }

    [Fact]
    public void Starter_StartsTheWorkflowWithTheNameAndTheEventAsInput()
    {
        Starter.HasState(StartNamed, new ObjectDict
        {
            ["Resource"] = "arn:aws:states:::states:startExecution",
            ["Parameters"] = Match.ObjectEquals(new ObjectDict
            {
                ["StateMachineArn"] = "ref:" + LogicalIds.StateMachine,
                ["Name.$"] = "$.named.executionName",
                // The workflow's input shape is unchanged: the upload event itself.
                ["Input.$"] = "$$.Execution.Input",
            }),
        });
    }

    [Theory]
    [InlineData(StartNamed)]
    [InlineData(StartUnnamed)]
    public void Starter_RetriesThrottlingButNeverAnExistingExecution(string state)
    {
        Starter.HasState(state, new ObjectDict
        {
            ["Retry"] = Match.ArrayWith(new object[]
            {
                Match.ObjectEquals(new ObjectDict { ["ErrorEquals"] = new[] { AlreadyExists }, ["MaxAttempts"] = 0 }),
                Match.ObjectLike(new ObjectDict
                {
                    ["ErrorEquals"] = new[] { "StepFunctions.ExecutionLimitExceededException", "StepFunctions.KmsThrottlingException" },
                    ["MaxAttempts"] = 8,
                    ["JitterStrategy"] = "FULL",
                }),
            }),
        });
    }

    [Fact]
    public void Starter_DeadLettersTheEventItselfIntoTheEventQueue()
    {
        Starter.HasState(DeadLetter, new ObjectDict
        {
            ["Resource"] = "arn:aws:states:::sqs:sendMessage",
            ["Parameters"] = Match.ObjectEquals(new ObjectDict { ["QueueUrl"] = "ref:" + LogicalIds.EventDeadLetterQueue, ["MessageBody.$"] = "$$.Execution.Input" }),
        });
    }

    [Fact]
    public void StarterRole_StartsOnlyTheWorkflow()
    {
        var start = Assert.Single(StarterRole, s => s.Actions.Any(a => a.StartsWith("states:", StringComparison.Ordinal)));

        Assert.Equal(["states:StartExecution"], start.Actions);
        Assert.Equal(["ref:" + LogicalIds.StateMachine], start.Resources);
    }

    [Fact]
    public void StarterRole_InvokesOnlyThePlanner()
    {
        var invoke = Assert.Single(StarterRole, s => s.Actions.Any(a => a.StartsWith("lambda:", StringComparison.Ordinal)));

        Assert.Equal(["lambda:InvokeFunction"], invoke.Actions);
        Assert.Equal(["arn:" + LogicalIds.JobPlannerFunction, "arn:" + LogicalIds.JobPlannerFunction + ":*"], invoke.Resources);
    }

    [Fact]
    public void StarterRole_SendsOnlyToTheEventQueueWithTheKeyThroughSqs()
    {
        var send = Assert.Single(StarterRole, s => s.Actions.Any(a => a.StartsWith("sqs:", StringComparison.Ordinal)));
        var kms = Assert.Single(StarterRole, s => s.Actions.Any(a => a.StartsWith("kms:", StringComparison.Ordinal)));

        Assert.Equal(["sqs:SendMessage"], send.Actions);
        Assert.Equal(["arn:" + LogicalIds.EventDeadLetterQueue], send.Resources);
        Assert.Equal("sqs.us-east-1.amazonaws.com", kms.Condition("StringEquals", "kms:ViaService"));
        Assert.DoesNotContain(StarterRole.SelectMany(s => s.Actions), a => a.StartsWith("s3:", StringComparison.Ordinal) || a.StartsWith("dynamodb:", StringComparison.Ordinal));
    }
}
