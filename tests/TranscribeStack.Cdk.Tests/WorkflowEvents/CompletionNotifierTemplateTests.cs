namespace TranscribeStack.Cdk.Tests.WorkflowEvents;

/// <summary>The completion events' rule, its target and dead-letter queue, the notifier and both roles.</summary>
[Collection(SynthesizedStacksCollection.Name)]
public sealed class CompletionNotifierTemplateTests(SynthesizedStacks stacks)
{
    private const string LookUp = StateNames.Notifier.LookUpWaitingExecution;
    private const string Wake = StateNames.Notifier.WakeWaitingExecution;

    private SynthesizedStack Dev => stacks["dev"];

    private StateMachineDefinition Notifier => StateMachineDefinition.Of(Dev, LogicalIds.Notifier);

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Rule_TakesFinishedJobsOfThisStackAndAccountOnly(string environment)
    {
        stacks[environment].Only(LogicalIds.CompletionRule).HasResourceProperties("AWS::Events::Rule", new ObjectDict
        {
            ["EventPattern"] = Match.ObjectEquals(new ObjectDict
            {
                ["source"] = new[] { "aws.transcribe" },
                ["detail-type"] = new[] { "Transcribe Job State Change" },
                ["account"] = new[] { Cfn.Ref("AWS::AccountId") },
                ["detail"] = new ObjectDict
                {
                    ["TranscriptionJobStatus"] = new[] { "COMPLETED", "FAILED" },
                    // A prefix matcher, no wildcard: this stack's job names only.
                    ["TranscriptionJobName"] = new[] { new ObjectDict { ["prefix"] = $"transcribestack-{environment}-" } },
                },
            }),
        });
    }

    [Fact]
    public void Rule_StartsTheExpressNotifierThroughItsRoleWithRetriesAndADeadLetterQueue()
    {
        Dev.Only(LogicalIds.CompletionRule).HasResourceProperties("AWS::Events::Rule", new ObjectDict
        {
            ["Targets"] = RuleTargets.StartStateMachine(
                LogicalIds.Notifier, LogicalIds.NotifierTargetRole, LogicalIds.CompletionEventDeadLetterQueue, maxEventAgeSeconds: 3600,
                    retryAttempts: 20),
        });
        Dev.Only(LogicalIds.Notifier).HasResourceProperties("AWS::StepFunctions::StateMachine", new ObjectDict
        {
            ["StateMachineType"] = "EXPRESS",
            ["RoleArn"] = Cfn.Arn(LogicalIds.NotifierRole),
        });
    }

    [Fact]
    public void TargetRole_MayOnlyStartTheNotifier()
    {
        var statement = Assert.Single(Dev.RoleStatements(LogicalIds.NotifierTargetRole));

        Assert.Equal(["states:StartExecution"], statement.Actions);
        Assert.Equal(["ref:" + LogicalIds.Notifier], statement.Resources);
        Assert.Equal("123456789012",
            Assert.Single(Dev.TrustStatements(LogicalIds.NotifierTargetRole)).Condition("StringEquals", "aws:SourceAccount"));
    }

    [Fact]
    public void NotifierRole_ReadsOnlyTheTokenOfAJobAndSendsOnlyTaskSuccess()
    {
        var statements = Dev.RoleStatements(LogicalIds.NotifierRole);
        var read = Assert.Single(statements, s => s.Actions.Contains("dynamodb:GetItem"));

        Assert.Equal(["arn:" + LogicalIds.Table], read.Resources);
        Assert.Equal(["jobName", "taskToken", "status"], read.ConditionValues("ForAllValues:StringEquals", "dynamodb:Attributes"));
        // SendTaskSuccess has no resource type: the token is the capability; nothing else of Step Functions.
        Assert.Equal(["states:SendTaskSuccess"],
            statements.SelectMany(s => s.Actions).Where(a => a.StartsWith("states:", StringComparison.Ordinal)));
        Assert.DoesNotContain(statements.SelectMany(s => s.Actions),
            a => a is "dynamodb:PutItem" or "dynamodb:UpdateItem" or "dynamodb:Scan" or "dynamodb:Query");
    }

    [Fact]
    public void Notifier_Flow_WakesOnlyATranscribingItemsExecutionAndIgnoresStaleTokens()
    {
        var runbook = new Dictionary<string, string[]>
        {
            [LookUp] = [$"next: {StateNames.Notifier.IsExecutionWaitingForJob}"],
            [StateNames.Notifier.IsExecutionWaitingForJob] =
            [
                $"when ($.waiting.Item.taskToken.S IsPresent true and $.waiting.Item.status.S StringEquals TRANSCRIBING): {Wake}",
                $"otherwise: {StateNames.Notifier.NoExecutionIsWaiting}",
            ],
            [Wake] = [$"next: {StateNames.Notifier.ExecutionIsAwake}",
                "catch Sfn.TaskTimedOutException, Sfn.TaskDoesNotExistException, Sfn.InvalidTokenException: " +
                $"{StateNames.Notifier.ExecutionHasMovedOn}"],
            [StateNames.Notifier.ExecutionIsAwake] = ["succeed"],
            [StateNames.Notifier.ExecutionHasMovedOn] = ["succeed"],
            [StateNames.Notifier.NoExecutionIsWaiting] = ["succeed"],
        };

        Assert.Equal(LookUp, Notifier.StartAt);
        Assert.Equal(runbook.Keys.Order(StringComparer.Ordinal), Notifier.StateNames.Order(StringComparer.Ordinal));
        Assert.All(runbook, state => Assert.Equal(state.Value, Notifier.Transitions(state.Key)));
    }

    [Fact]
    public void Notifier_ReadsTheItemConsistentlyAndSendsTaskSuccess()
    {
        Notifier.HasState(LookUp, new ObjectDict
        {
            ["Resource"] = "arn:aws:states:::aws-sdk:dynamodb:getItem",
            ["Parameters"] = new ObjectDict { ["TableName"] = "ref:" + LogicalIds.Table, ["ConsistentRead"] = true },
        });
        Notifier.HasState(Wake, new ObjectDict { ["Resource"] = "arn:aws:states:::aws-sdk:sfn:sendTaskSuccess" });
    }
}
