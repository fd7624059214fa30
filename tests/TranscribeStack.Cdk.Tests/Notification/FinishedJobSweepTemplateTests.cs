
namespace TranscribeStack.Cdk.Tests.Notification;

/// <summary>The finished-job sweep: its schedule, target role and dead-letter queue, its role, and its flow.</summary>
[Collection(SynthesizedStacksCollection.Name)]
public sealed class FinishedJobSweepTemplateTests(SynthesizedStacks stacks)
{
    private const string Find = "Find the jobs still waited for";
    private const string ListNewest = "List this stack's newest jobs";
    private const string ListOlder = "List older jobs";
    private const string WakeFinished = "Wake the executions of finished jobs";

    private SynthesizedStack Dev => stacks["dev"];

    private StateMachineDefinition Sweep => StateMachineDefinition.Of(Dev, LogicalIds.Sweep);

    [Fact]
    public void Rule_StartsTheExpressSweepEachMinuteThroughItsRoleWithADeadLetterQueue()
    {
        Dev.Only(LogicalIds.SweepRule).HasResourceProperties("AWS::Events::Rule", new ObjectDict
        {
            ["ScheduleExpression"] = "rate(1 minute)",
            ["EventPattern"] = Match.Absent(),
            ["Targets"] = new object[]
            {
                Match.ObjectLike(new ObjectDict
                {
                    ["Arn"] = Cfn.Ref(LogicalIds.Sweep),
                    ["DeadLetterConfig"] = new ObjectDict { ["Arn"] = Cfn.Arn(LogicalIds.SweepDeadLetterQueue) },
                    // A start that cannot be delivered within the minute is replaced by the next minute's.
                    ["RetryPolicy"] = new ObjectDict { ["MaximumEventAgeInSeconds"] = 60, ["MaximumRetryAttempts"] = 2 },
                }),
            },
        });
        Dev.Only(LogicalIds.Sweep).HasResourceProperties("AWS::StepFunctions::StateMachine", new ObjectDict
        {
            ["StateMachineType"] = "EXPRESS",
            ["RoleArn"] = Cfn.Arn(LogicalIds.SweepRole),
        });
    }

    [Fact]
    public void Role_QueriesOnlyTheStatusIndexForNamesAndWakesWithTaskSuccessOnly()
    {
        var statements = Dev.RoleStatements(LogicalIds.SweepRole);
        var query = Assert.Single(statements, s => s.Actions.Contains("dynamodb:Query"));

        Assert.Equal(["dynamodb:Query"], query.Actions);
        Assert.All(query.Resources, r => Assert.EndsWith("/index/byStatus", r, StringComparison.Ordinal));
        Assert.Equal(["jobName", "updatedAt", "status"], query.ConditionValues("ForAllValues:StringEquals", "dynamodb:Attributes"));
        Assert.Equal(["jobName", "taskToken", "status"], Assert.Single(statements, s => s.Actions.Contains("dynamodb:GetItem")).ConditionValues("ForAllValues:StringEquals", "dynamodb:Attributes"));
        var list = Assert.Single(statements, s => s.Actions.Contains("transcribe:ListTranscriptionJobs"));
        Assert.Equal(["transcribe:ListTranscriptionJobs"], list.Actions);
        var actions = statements.SelectMany(s => s.Actions).ToList();
        Assert.Equal(["states:SendTaskSuccess"], actions.Where(a => a.StartsWith("states:", StringComparison.Ordinal)));
        Assert.Equal(["transcribe:ListTranscriptionJobs"], actions.Where(a => a.StartsWith("transcribe:", StringComparison.Ordinal)));
        Assert.DoesNotContain(actions, a => a is "dynamodb:PutItem" or "dynamodb:UpdateItem" or "dynamodb:Scan");
    }

    [Fact]
    public void Flow_FindsTheWaitingJobsListsBackToTheOldestWaitAndWakesTheFinishedOnes()
    {
        Assert.Equal("Start the first sweep", Sweep.StartAt);
        Sweep.HasState(Find, new ObjectDict
        {
            ["Resource"] = "arn:aws:states:::aws-sdk:dynamodb:query",
            ["Parameters"] = Match.ObjectLike(new ObjectDict
            {
                ["IndexName"] = "byStatus",
                ["ScanIndexForward"] = true,
                ["Limit"] = 400,
                ["ProjectionExpression"] = "#jobName, #updatedAt",
            }),
        });
        Assert.Equal(["when $.waiting.count NumericGreaterThan 0: Note the waiting jobs", "otherwise: Is another sweep due this minute?"], Sweep.Transitions("Is any execution waiting for a job?"));
        // One listing per final status, one at a time: Transcribe filters by status, so queued jobs are never paged through.
        Sweep.HasState("Note the waiting jobs", new ObjectDict { ["Parameters"] = Match.ObjectLike(new ObjectDict { ["statuses"] = new[] { "COMPLETED", "FAILED" } }) });
        Sweep.HasState("List the jobs of each final status", new ObjectDict { ["Type"] = "Map", ["ItemsPath"] = "$.waiting.statuses", ["MaxConcurrency"] = 1, ["Next"] = "Is another sweep due this minute?" });
        Sweep.HasState(ListNewest, new ObjectDict
        {
            ["Resource"] = "arn:aws:states:::aws-sdk:transcribe:listTranscriptionJobs",
            ["Parameters"] = new ObjectDict { ["JobNameContains"] = "transcribestack-dev-", ["Status.$"] = "$.status", ["MaxResults"] = 30 },
            ["Next"] = WakeFinished,
        });
        Sweep.HasState(ListOlder, new ObjectDict { ["Parameters"] = Match.ObjectLike(new ObjectDict { ["NextToken.$"] = "$.page.NextToken" }), ["Next"] = WakeFinished });
        // Jobs are listed newest first: a page reaching back past the oldest wait is the last one read.
        Assert.Equal(
            ["when $.last.job.CreationTime TimestampLessThanPath $.waiting.since: Listed back to the oldest wait", "otherwise: " + ListOlder],
            Sweep.Transitions("Does the page reach back to the oldest wait?"));
        Sweep.HasState(WakeFinished, new ObjectDict
        {
            ["Type"] = "Map",
            ["ItemsPath"] = "$.page.TranscriptionJobSummaries",
            ["MaxConcurrency"] = 10,
            ["ItemSelector"] = Match.ObjectLike(new ObjectDict { ["waitedFor.$"] = "States.ArrayContains($.waiting.names, $$.Map.Item.Value.TranscriptionJobName)" }),
            ["ItemProcessor"] = Match.ObjectLike(new ObjectDict { ["StartAt"] = "Has a job still waited for finished?" }),
        });
        Sweep.HasState("Wait for the next sweep", new ObjectDict { ["Seconds"] = 10 });
        // Six sweeps a minute, one with a backlog of 100 waits or more.
        Assert.Equal(["when ($.round NumericLessThan 6 and $.waiting.count NumericLessThan 100): Wait for the next sweep", "otherwise: Swept for this minute"], Sweep.Transitions("Is another sweep due this minute?"));
    }
}
