namespace TranscribeStack.Cdk.Tests.Operations;

/// <summary>The re-processing workflow: a Distributed Map over a prefix of the media, each object's re-run put into the intake.</summary>
[Collection(SynthesizedStacksCollection.Name)]
public sealed class ReprocessingTemplateTests(SynthesizedStacks stacks)
{
    private const string Check = StateNames.Reprocessing.DoesRequestNamePrefixOfMediaAndReRunMarker;
    private const string Map = StateNames.Reprocessing.ReProcessEveryObjectUnderPrefix;
    private const string Put = StateNames.Reprocessing.PutObjectsReRunIntoIntake;

    private SynthesizedStack Dev => stacks["dev"];

    private StateMachineDefinition Reprocessing => StateMachineDefinition.Of(Dev, LogicalIds.Reprocessing);

    private IReadOnlyList<Statement> Role => Dev.RoleStatements(LogicalIds.ReprocessingRole);

    [Fact]
    public void StateMachine_IsStandardLoggedAndTracedWithItsOwnRole()
    {
        Dev.Only(LogicalIds.Reprocessing).HasResourceProperties("AWS::StepFunctions::StateMachine", new ObjectDict
        {
            ["StateMachineType"] = "STANDARD",
            ["RoleArn"] = Cfn.Arn(LogicalIds.ReprocessingRole),
            ["TracingConfiguration"] = new ObjectDict { ["Enabled"] = true },
            ["LoggingConfiguration"] = new ObjectDict { ["Level"] = "ALL", ["IncludeExecutionData"] = false },
        });
    }

    [Fact]
    public void Output_IsTheStateMachinesArn()
    {
        Dev.Template.HasOutput("ReprocessingStateMachineArn", new ObjectDict { ["Value"] = Cfn.Ref(LogicalIds.Reprocessing) });
    }

    [Fact]
    public void Flow_RefusesARequestWithoutAMediaPrefixOrMarker()
    {
        Assert.Equal(Check, Reprocessing.StartAt);
        Assert.Equal(
            [
                "when ($.prefix IsPresent true and $.prefix IsString true and $.prefix StringMatches media/* and $.rerun IsPresent true " +
                    $"and ($.rerun IsString true or $.rerun IsNumeric true)): {Map}",
                $"otherwise: {StateNames.Reprocessing.RequestIsRefused}",
            ],
            Reprocessing.Transitions(Check));
        Reprocessing.HasState(StateNames.Reprocessing.RequestIsRefused,
            new ObjectDict { ["Type"] = "Fail", ["Error"] = "InvalidReprocessingRequest" });
    }

    [Fact]
    public void Map_ListsThePrefixOfTheRequestInTheMediaBucket()
    {
        Reprocessing.HasState(Map, new ObjectDict
        {
            ["Type"] = "Map",
            ["ItemReader"] = Match.ObjectEquals(new ObjectDict
            {
                ["Resource"] = "arn:aws:states:::s3:listObjectsV2",
                ["Parameters"] = new ObjectDict { ["Bucket"] = "ref:" + LogicalIds.RawBucket, ["Prefix.$"] = "$.prefix" },
            }),
            ["ItemProcessor"] = new ObjectDict
            {
                ["ProcessorConfig"] = new ObjectDict
                {
                    ["Mode"] = "DISTRIBUTED",
                    ["ExecutionType"] = "STANDARD",
                }
            },
            ["Label"] = "reprocess",
            // None tolerated (Step Functions' default, so absent): an object the intake would not take fails the run
            // (a redrive puts the rest), nothing is skipped silently.
            ["ToleratedFailurePercentage"] = Match.Absent(),
        });
    }

    [Theory]
    [InlineData("dev", 10)]
    [InlineData("staging", 25)]
    [InlineData("prod", 50)]
    public void Map_MaxConcurrency_IsTheSetting(string environment, int maxConcurrency)
    {
        StateMachineDefinition.Of(stacks[environment], LogicalIds.Reprocessing)
            .HasState(Map, new ObjectDict { ["MaxConcurrency"] = maxConcurrency });
    }

    [Fact]
    public void Map_HandsEachChildTheObjectsUploadEventWithTheMarker()
    {
        Reprocessing.HasState(Map, new ObjectDict
        {
            ["ItemSelector"] = Match.ObjectEquals(new ObjectDict
            {
                ["detail"] = new ObjectDict
                {
                    ["bucket"] = new ObjectDict { ["name"] = "ref:" + LogicalIds.RawBucket },
                    ["object"] = new ObjectDict
                    {
                        ["key.$"] = "$$.Map.Item.Value.Key",
                        ["size.$"] = "$$.Map.Item.Value.Size",
                        ["etag.$"] = "$$.Map.Item.Value.Etag",
                    },
                },
                ["rerun.$"] = "$.rerun",
            }),
        });
    }

    [Fact]
    public void Child_PutsTheReRunIntoTheIntake_ThenTheRunStartsTheAdmitter()
    {
        var child = Reprocessing.ItemProcessor(Map);

        Assert.Equal(Put, child.StartAt);
        Assert.Equal(["end"], child.Transitions(Put));
        child.HasState(Put, new ObjectDict
        {
            ["Resource"] = "arn:aws:states:::sqs:sendMessage",
            ["Parameters"] = Match.ObjectEquals(new ObjectDict
            {
                ["QueueUrl"] = "ref:" + LogicalIds.IntakeQueue,
                // The body the admitter starts the workflow with: the upload event and the marker.
                ["MessageBody"] = new ObjectDict { ["detail.$"] = "$.detail", ["rerun.$"] = "$.rerun" },
            }),
        });
        // The re-runs go through the window like uploads: the admitter starts them, not re-processing.
        Assert.Equal([$"next: {StateNames.Reprocessing.StartAdmitter}"], Reprocessing.Transitions(Map));
        Reprocessing.HasState(StateNames.Reprocessing.StartAdmitter, new ObjectDict
        {
            ["Resource"] = "arn:aws:states:::states:startExecution",
            ["Parameters"] = Match.ObjectLike(new ObjectDict { ["StateMachineArn"] = "ref:" + LogicalIds.Admitter }),
        });
    }

    [Fact]
    public void Role_ListsOnlyTheMediaPrefixOfTheMediaBucket()
    {
        var list = Assert.Single(Role, s => s.Actions.Any(a => a.StartsWith("s3:", StringComparison.Ordinal)));

        Assert.Equal(["s3:ListBucket"], list.Actions);
        Assert.Equal(["arn:" + LogicalIds.RawBucket], list.Resources);
        // As AWS's Distributed Map policy example narrows ListObjectsV2: the prefix condition.
        Assert.Equal(["media/*"], list.ConditionValues("StringLike", "s3:prefix"));
    }

    [Fact]
    public void Role_StartsOnlyTheAdmitterAndItsOwnChildren_NeverTheWorkflow()
    {
        var starts = Role.Where(s => s.Actions.Contains("states:StartExecution")).SelectMany(s => s.Resources).ToList();

        Assert.Equal(2, starts.Count);
        Assert.Contains("ref:" + LogicalIds.Admitter, starts);
        Assert.Contains("arn:aws:states:us-east-1:123456789012:stateMachine:TranscribeStack-dev-Reprocessing", starts);
        Assert.DoesNotContain(Role.SelectMany(s => s.Actions), a => a is "states:RedriveExecution" or "states:SendTaskSuccess");
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void StateMachine_IsNamedAfterTheStack_SoItsGrantsAreThisEnvironmentsOnly(string environment)
    {
        var name = $"TranscribeStack-{environment}-Reprocessing";
        var role = stacks[environment].RoleStatements(LogicalIds.ReprocessingRole);

        stacks[environment].Only(LogicalIds.Reprocessing)
            .HasResourceProperties("AWS::StepFunctions::StateMachine", new ObjectDict { ["StateMachineName"] = name });
        Assert.Equal(
            [$"arn:aws:states:us-east-1:123456789012:execution:{name}/*"],
            Assert.Single(role, s => s.Sid == "FollowTheMapsChildren").Resources);
        // No grant of the role names a state machine or execution by a pattern another environment's names match.
        Assert.DoesNotContain(role.SelectMany(s => s.Resources), r => r.Contains(LogicalIds.Reprocessing, StringComparison.Ordinal));
    }

    [Fact]
    public void Role_SendsOnlyToTheIntake_AndTouchesNoData()
    {
        var send = Assert.Single(Role, s => s.Actions.Any(a => a.StartsWith("sqs:", StringComparison.Ordinal)));

        Assert.Equal(["sqs:SendMessage"], send.Actions);
        Assert.Equal(["arn:" + LogicalIds.IntakeQueue], send.Resources);
        Assert.DoesNotContain(Role.SelectMany(s => s.Actions),
            a => a.StartsWith("dynamodb:", StringComparison.Ordinal) || a.StartsWith("lambda:", StringComparison.Ordinal)
            || a == "s3:GetObject");
    }
}
