namespace TranscribeStack.Cdk.Tests.Workflow;

/// <summary>The intake admitter: the Express workflow that moves uploads from the intake into the workflow, within the window.</summary>
[Collection(SynthesizedStacksCollection.Name)]
public sealed class IntakeAdmitterTemplateTests(SynthesizedStacks stacks)
{
    private const string FreeEnded = "Free the ended execution's slot";
    private const string Take = "Take a slot in the window";
    private const string Receive = "Receive the next upload";
    private const string Waiting = "Is an upload waiting in the intake?";
    private const string Read = "Read the upload";
    private const string Name = "Name the execution after the upload";
    private const string NameAfterMessage = "Name the execution after the message";
    private const string Claim = "Claim the slot for the execution";
    private const string Start = "Start the workflow execution named after the upload";
    private const string Delete = "Delete the admitted upload from the intake";
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
        Assert.Equal("Start counting this second's starts", Admitter.StartAt);
        Assert.Equal(["next: Does an execution free its slot?"], Admitter.Transitions("Start counting this second's starts"));
        Assert.Equal(["when $.release IsPresent true: " + FreeEnded, "otherwise: " + Take], Admitter.Transitions("Does an execution free its slot?"));
        Assert.Equal(["next: " + Take, $"catch {TransactionCanceled}: {Take}"], Admitter.Transitions(FreeEnded));
        Assert.Equal(["next: " + Receive, $"catch {ConditionFailed}: The window is full"], Admitter.Transitions(Take));
        Assert.Equal(["next: " + Waiting], Admitter.Transitions(Receive));
        Assert.Equal(["when $.received.Messages[0] IsPresent true: " + Read, "otherwise: Give back the slot: the intake is empty"], Admitter.Transitions(Waiting));
        Assert.Equal(["next: " + Name], Admitter.Transitions(Read));
        Assert.Equal(["next: " + Claim, "catch States.ALL: " + NameAfterMessage], Admitter.Transitions(Name));
        Assert.Equal(["next: " + Start, $"catch {ConditionFailed}: Give back the slot of an upload already in flight"], Admitter.Transitions(Claim));
        Assert.Equal(
            ["next: " + Delete, "catch StepFunctions.ExecutionAlreadyExistsException: Free the slot of the upload already handled", "catch States.ALL: Free the slot of the refused upload"],
            Admitter.Transitions(Start));
        // Admitted: the next one. Refused: back into the intake, and the admitter stops rather than retry into the quota.
        Assert.Equal(["next: Count the starts of this second"], Admitter.Transitions(Delete));
        Assert.Equal(["next: Return the upload to the intake", $"catch {TransactionCanceled}: Return the upload to the intake"], Admitter.Transitions("Free the slot of the refused upload"));
        Assert.Equal(["next: Step Functions refused the start"], Admitter.Transitions("Return the upload to the intake"));
    }

    [Fact]
    public void Admitter_PausesASecondAfterTenStarts_SoTheWindowFillsAtHalfStartTranscriptionJobsQuota()
    {
        // Each start is followed at once by the workflow's StartTranscriptionJob (25 a second): ten a second while
        // the window fills; one admission per finished job never reaches ten in a run.
        Assert.Equal(["next: Were this second's starts made?"], Admitter.Transitions("Count the starts of this second"));
        Assert.Equal(
            ["when $.paced.started NumericGreaterThanEquals 10: Start a new second's count", "otherwise: " + Take],
            Admitter.Transitions("Were this second's starts made?"));
        Assert.Equal(["next: Pause a second before the next starts"], Admitter.Transitions("Start a new second's count"));
        Admitter.HasState("Pause a second before the next starts", new ObjectDict { ["Type"] = "Wait", ["Seconds"] = 1, ["Next"] = Take });
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
            ["Targets"] = new object[] { Match.ObjectLike(new ObjectDict { ["Arn"] = Cfn.Ref(LogicalIds.Admitter), ["RoleArn"] = Cfn.Arn(LogicalIds.AdmitterTargetRole) }) },
        });
    }
}
