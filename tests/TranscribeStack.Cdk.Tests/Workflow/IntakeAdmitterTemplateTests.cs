namespace TranscribeStack.Cdk.Tests.Workflow;

/// <summary>The intake admitter: the Express workflow that moves uploads from the intake into the workflow, within the window.</summary>
[Collection(SynthesizedStacksCollection.Name)]
public sealed class IntakeAdmitterTemplateTests(SynthesizedStacks stacks)
{
    private const string FreeEnded = StateNames.Admitter.FreeEndedExecutionsSlot;
    private const string Take = StateNames.Admitter.TakeSlotInWindow;
    private const string Receive = StateNames.Admitter.ReceiveNextUpload;
    private const string Waiting = StateNames.Admitter.IsUploadWaitingInIntake;
    private const string Read = StateNames.Admitter.ReadUpload;
    private const string Name = StateNames.Admitter.NameExecutionAfterUpload;
    private const string NameAfterMessage = StateNames.Admitter.NameExecutionAfterMessage;
    private const string Claim = StateNames.Admitter.ClaimSlotForExecution;
    private const string Start = StateNames.Admitter.StartWorkflowExecutionNamedAfterUpload;
    private const string Delete = StateNames.Admitter.DeleteAdmittedUploadFromIntake;
    private const string TransactionCanceled = "DynamoDb.TransactionCanceledException";
    private const string ConditionFailed = "DynamoDb.ConditionalCheckFailedException";

    private SynthesizedStack Dev => stacks["dev"];

    private StateMachineDefinition Admitter => StateMachineDefinition.Of(Dev, LogicalIds.Admitter);

    private IReadOnlyList<Statement> AdmitterRole => Dev.RoleStatements(LogicalIds.AdmitterRole);

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Admitter_IsAnExpressWorkflowNamedAfterTheStack_LoggedAndTraced(string environment)
    {
        // A fixed name: the workflow starts the admitter by it (the admitter starts the workflow: no cycle).
        stacks[environment].Only(LogicalIds.Admitter).HasResourceProperties("AWS::StepFunctions::StateMachine", new ObjectDict
        {
            ["StateMachineType"] = "EXPRESS",
            ["StateMachineName"] = $"TranscribeStack-{environment}-IntakeAdmitter",
            ["RoleArn"] = Cfn.Arn(LogicalIds.AdmitterRole),
            ["TracingConfiguration"] = new ObjectDict { ["Enabled"] = true },
            ["LoggingConfiguration"] = new ObjectDict { ["Level"] = "ALL", ["IncludeExecutionData"] = false },
        });
    }

    [Fact]
    public void Admitter_Flow_FreesThenAdmitsUntilTheWindowIsFullOrTheIntakeEmpty()
    {
        Assert.Equal(StateNames.Admitter.StartCountingThisSecondsStarts, Admitter.StartAt);
        Assert.Equal([$"next: {StateNames.Admitter.DoesExecutionFreeItsSlot}"],
            Admitter.Transitions(StateNames.Admitter.StartCountingThisSecondsStarts));
        Assert.Equal(["when $.release IsPresent true: " + FreeEnded, "otherwise: " + Take],
            Admitter.Transitions(StateNames.Admitter.DoesExecutionFreeItsSlot));
        Assert.Equal(["next: " + Take, $"catch {TransactionCanceled}: {Take}"], Admitter.Transitions(FreeEnded));
        Assert.Equal(["next: " + Receive, $"catch {ConditionFailed}: {StateNames.Admitter.WindowIsFull}"], Admitter.Transitions(Take));
        Assert.Equal(["next: " + Waiting], Admitter.Transitions(Receive));
        Assert.Equal(["when $.received.Messages[0] IsPresent true: " + Read, $"otherwise: {StateNames.Admitter.GiveBackSlotIntakeIsEmpty}"],
            Admitter.Transitions(Waiting));
        Assert.Equal(["next: " + Name], Admitter.Transitions(Read));
        Assert.Equal(["next: " + Claim, "catch States.ALL: " + NameAfterMessage], Admitter.Transitions(Name));
        Assert.Equal(["next: " + Start, $"catch {ConditionFailed}: {StateNames.Admitter.GiveBackSlotOfUploadAlreadyInFlight}"],
            Admitter.Transitions(Claim));
        Assert.Equal(
            ["next: " + Delete,
                $"catch StepFunctions.ExecutionAlreadyExistsException: {StateNames.Admitter.FreeSlotOfUploadAlreadyHandled}",
                $"catch States.ALL: {StateNames.Admitter.FreeSlotOfRefusedUpload}"],
            Admitter.Transitions(Start));
        // Admitted: the next one. Refused: back into the intake, and the admitter stops rather than retry into the quota.
        Assert.Equal([$"next: {StateNames.Admitter.CountStartsOfThisSecond}"], Admitter.Transitions(Delete));
        Assert.Equal([$"next: {StateNames.Admitter.ReturnUploadToIntake}",
            $"catch {TransactionCanceled}: {StateNames.Admitter.ReturnUploadToIntake}"],
            Admitter.Transitions(StateNames.Admitter.FreeSlotOfRefusedUpload));
        Assert.Equal([$"next: {StateNames.Admitter.StepFunctionsRefusedStart}"],
            Admitter.Transitions(StateNames.Admitter.ReturnUploadToIntake));
    }

    [Fact]
    public void Admitter_PausesASecondAfterTenStarts_SoTheWindowFillsAtHalfStartTranscriptionJobsQuota()
    {
        // Each start is followed at once by the workflow's StartTranscriptionJob (25 a second): ten a second while
        // the window fills; one admission per finished job never reaches ten in a run.
        Assert.Equal([$"next: {StateNames.Admitter.WereThisSecondsStartsMade}"],
            Admitter.Transitions(StateNames.Admitter.CountStartsOfThisSecond));
        Assert.Equal(
            [$"when $.paced.started NumericGreaterThanEquals 10: {StateNames.Admitter.StartNewSecondsCount}", "otherwise: " + Take],
            Admitter.Transitions(StateNames.Admitter.WereThisSecondsStartsMade));
        Assert.Equal([$"next: {StateNames.Admitter.PauseSecondBeforeNextStarts}"],
            Admitter.Transitions(StateNames.Admitter.StartNewSecondsCount));
        Admitter.HasState(StateNames.Admitter.PauseSecondBeforeNextStarts,
            new ObjectDict { ["Type"] = "Wait", ["Seconds"] = 1, ["Next"] = Take });
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void TakeASlot_CountsUpToTheWindowOfTheSettings(string environment)
    {
        StateMachineDefinition.Of(stacks[environment], LogicalIds.Admitter).HasState(Take, new ObjectDict
        {
            ["Resource"] = "arn:aws:states:::aws-sdk:dynamodb:updateItem",
            ["Parameters"] = Match.ObjectLike(new ObjectDict
            {
                ["Key"] = new ObjectDict { ["jobName"] = new ObjectDict { ["S"] = "#window" } },
                ["UpdateExpression"] = "SET #inFlight = if_not_exists(#inFlight, :zero) + :one",
                ["ConditionExpression"] = "attribute_not_exists(#inFlight) OR #inFlight < :window",
                ["ExpressionAttributeValues"] = Match.ObjectLike(new ObjectDict { [":window"] = new ObjectDict { ["N"] = "300" } }),
            }),
        });
    }

    [Fact]
    public void FreeASlot_DeletesTheSlotItemAndCountsOneLess_InOneTransaction()
    {
        Admitter.HasState(FreeEnded, new ObjectDict
        {
            ["Resource"] = "arn:aws:states:::aws-sdk:dynamodb:transactWriteItems",
            ["Parameters"] = new ObjectDict
            {
                ["TransactItems"] = new object[]
                {
                    new ObjectDict
                    {
                        ["Delete"] = Match.ObjectLike(new ObjectDict
                        {
                            ["Key"] = new ObjectDict { ["jobName"] = new ObjectDict { ["S.$"] = "States.Format('#slot#{}', $.release)" } },
                            ["ConditionExpression"] = "attribute_exists(#jobName)",
                        }),
                    },
                    new ObjectDict
                    {
                        ["Update"] = Match.ObjectLike(new ObjectDict
                        {
                            ["Key"] = new ObjectDict { ["jobName"] = new ObjectDict { ["S"] = "#window" } },
                            ["UpdateExpression"] = "ADD #inFlight :minusOne",
                        }),
                    },
                },
            },
        });
    }

    [Fact]
    public void Admitter_StartsTheWorkflowWithTheUploadEventUnderThePlannersName()
    {
        Admitter.HasState(Name, new ObjectDict
        {
            ["Resource"] = "arn:" + LogicalIds.JobPlannerFunction,
            ["Parameters"] = Match.ObjectEquals(new ObjectDict { ["executionNameOf.$"] = "$.message.upload" }),
        });
        Admitter.HasState(Start, new ObjectDict
        {
            ["Resource"] = "arn:aws:states:::states:startExecution",
            ["Parameters"] = new ObjectDict
            {
                ["StateMachineArn"] = "ref:" + LogicalIds.StateMachine,
                ["Name.$"] = "$.named.executionName",
                ["Input.$"] = "$.message.upload",
            },
        });
    }

    [Fact]
    public void AdmitterRole_CountsAndClaimsSlotsOnly_NeverAJobsItem()
    {
        var update = Assert.Single(AdmitterRole, s => s.Actions.Contains("dynamodb:UpdateItem"));
        var slots = Assert.Single(AdmitterRole, s => s.Actions.Contains("dynamodb:PutItem"));

        Assert.Equal(["dynamodb:UpdateItem"], update.Actions);
        Assert.Equal(["#window"], update.ConditionValues("ForAllValues:StringEquals", "dynamodb:LeadingKeys"));
        Assert.Equal(["dynamodb:DeleteItem", "dynamodb:PutItem"], slots.Actions.Order(StringComparer.Ordinal));
        Assert.Equal(["#slot#*"], slots.ConditionValues("ForAllValues:StringLike", "dynamodb:LeadingKeys"));
        Assert.DoesNotContain(AdmitterRole, s => s.Actions.Any(a => a is "dynamodb:GetItem" or "dynamodb:Query" or "dynamodb:Scan"));
    }

    [Fact]
    public void AdmitterRole_ReceivesFromTheIntakeOnly_AndStartsOnlyTheWorkflow()
    {
        var sqs = Assert.Single(AdmitterRole, s => s.Actions.Any(a => a.StartsWith("sqs:", StringComparison.Ordinal)));
        var start = Assert.Single(AdmitterRole, s => s.Actions.Contains("states:StartExecution"));

        Assert.Equal(["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:ReceiveMessage"], sqs.Actions.Order(StringComparer.Ordinal));
        Assert.Equal(["arn:" + LogicalIds.IntakeQueue], sqs.Resources);
        Assert.Equal(["ref:" + LogicalIds.StateMachine], start.Resources);
    }

    [Fact]
    public void AdmitterRule_StartsTheAdmitterForTheDoorbellsObjects()
    {
        Dev.Only(LogicalIds.AdmitterRule).HasResourceProperties("AWS::Events::Rule", new ObjectDict
        {
            ["EventPattern"] = new ObjectDict
            {
                ["source"] = new[] { "aws.s3" },
                ["detail"] = new ObjectDict
                {
                    ["bucket"] = new ObjectDict { ["name"] = new[] { Cfn.Ref(LogicalIds.RawBucket) } },
                    ["object"] = new ObjectDict { ["key"] = new[] { new ObjectDict { ["prefix"] = "intake-signals/" } } },
                },
            },
            ["Targets"] = new object[]
            {
                Match.ObjectLike(new ObjectDict
                {
                    ["Arn"] = Cfn.Ref(LogicalIds.Admitter),
                    ["RoleArn"] = Cfn.Arn(LogicalIds.AdmitterTargetRole),
                }),
            },
        });
    }
}
