using System.Text.Json.Nodes;
using TranscribeStack.Cdk.Tests.Support;

namespace TranscribeStack.Cdk.Tests.Notification;

/// <summary>The completion events' rule, its target and dead-letter queue, the notifier and both roles.</summary>
[Collection(SynthesizedStacksCollection.Name)]
public sealed class CompletionNotifierTemplateTests(SynthesizedStacks stacks)
{
    private SynthesizedStack Dev => stacks["dev"];

    private string Rule => Dev.LogicalId("AWS::Events::Rule", "CompletionNotifierRule");

    private string Notifier => Dev.LogicalId("AWS::StepFunctions::StateMachine", "CompletionNotifierStateMachine");

    private string NotifierRole => Dev.LogicalId("AWS::IAM::Role", "CompletionNotifierRole");

    private string TargetRole => Dev.LogicalId("AWS::IAM::Role", "CompletionNotifierTargetRole");

    private string DeadLetterQueue => Dev.LogicalId("AWS::SQS::Queue", "CompletionNotifierEventDeadLetterQueue");

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public void Rule_TakesFinishedJobsOfThisStackAndAccountOnly(string environment)
    {
        var stack = stacks[environment];
        var pattern = stack.Properties(stack.LogicalId("AWS::Events::Rule", "CompletionNotifierRule"))["EventPattern"]!;

        Assert.Equal("""["aws.transcribe"]""", pattern["source"]!.ToJsonString());
        Assert.Equal("""["Transcribe Job State Change"]""", pattern["detail-type"]!.ToJsonString());
        Assert.Equal(["123456789012"], Rendered.List(pattern["account"]));
        Assert.Equal("""["COMPLETED","FAILED"]""", pattern["detail"]!["TranscriptionJobStatus"]!.ToJsonString());
        // A prefix matcher, no wildcard: this stack's job names only.
        Assert.Equal($$"""[{"prefix":"transcribestack-{{environment}}-"}]""", pattern["detail"]!["TranscriptionJobName"]!.ToJsonString());
    }

    [Fact]
    public void Rule_StartsTheExpressNotifierThroughItsRoleWithRetriesAndADeadLetterQueue()
    {
        var target = Assert.Single(Dev.Properties(Rule)["Targets"]!.AsArray())!;

        Assert.Equal("ref:" + Notifier, Rendered.Text(target["Arn"]));
        Assert.Equal("arn:" + TargetRole, Rendered.Text(target["RoleArn"]));
        Assert.Equal("arn:" + DeadLetterQueue, Rendered.Text(target["DeadLetterConfig"]!["Arn"]));
        Assert.Equal(3600, target["RetryPolicy"]!["MaximumEventAgeInSeconds"]!.GetValue<int>());
        Assert.Equal(20, target["RetryPolicy"]!["MaximumRetryAttempts"]!.GetValue<int>());
        Assert.Equal("EXPRESS", Dev.Properties(Notifier)["StateMachineType"]!.GetValue<string>());
    }

    [Fact]
    public void TargetRole_MayOnlyStartTheNotifier()
    {
        var statement = Assert.Single(Dev.RoleStatements(TargetRole));

        Assert.Equal(["states:StartExecution"], statement.Actions);
        Assert.Equal(["ref:" + Notifier], statement.Resources);
        Assert.Equal("123456789012", Assert.Single(Dev.TrustStatements(TargetRole)).Condition("StringEquals", "aws:SourceAccount"));
    }

    [Fact]
    public void NotifierRole_ReadsOnlyTheTokenOfAJobAndSendsOnlyTaskSuccess()
    {
        var statements = Dev.RoleStatements(NotifierRole);
        var read = Assert.Single(statements, s => s.Actions.Contains("dynamodb:GetItem"));

        Assert.Equal(["arn:" + LogicalIds.Table], read.Resources);
        Assert.Equal("""["jobName","taskToken","status"]""", read.Conditions!["ForAllValues:StringEquals"]!["dynamodb:Attributes"]!.ToJsonString());
        // SendTaskSuccess has no resource type: the token is the capability; nothing else of Step Functions.
        Assert.Equal(["states:SendTaskSuccess"], statements.SelectMany(s => s.Actions).Where(a => a.StartsWith("states:", StringComparison.Ordinal)));
        Assert.DoesNotContain(statements.SelectMany(s => s.Actions), a => a is "dynamodb:PutItem" or "dynamodb:UpdateItem" or "dynamodb:Scan" or "dynamodb:Query");
    }

    [Fact]
    public void Notifier_WakesOnlyATranscribingItemsExecutionAndIgnoresStaleTokens()
    {
        var definition = JsonNode.Parse(Rendered.Text(Dev.Properties(Notifier)["DefinitionString"]))!;
        var states = definition["States"]!;
        var wake = states["Wake the waiting execution"]!;

        Assert.Equal("Look up the waiting execution", definition["StartAt"]!.GetValue<string>());
        Assert.Equal("arn:aws:states:::aws-sdk:dynamodb:getItem", states["Look up the waiting execution"]!["Resource"]!.GetValue<string>());
        Assert.True(states["Look up the waiting execution"]!["Parameters"]!["ConsistentRead"]!.GetValue<bool>());
        Assert.Contains("\"StringEquals\":\"TRANSCRIBING\"", states["Is an execution waiting for the job?"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("arn:aws:states:::aws-sdk:sfn:sendTaskSuccess", wake["Resource"]!.GetValue<string>());
        Assert.Equal(
            """["Sfn.TaskTimedOutException","Sfn.TaskDoesNotExistException","Sfn.InvalidTokenException"]""",
            wake["Catch"]![0]!["ErrorEquals"]!.ToJsonString());
        Assert.Equal("Succeed", states[wake["Catch"]![0]!["Next"]!.GetValue<string>()]!["Type"]!.GetValue<string>());
    }
}
