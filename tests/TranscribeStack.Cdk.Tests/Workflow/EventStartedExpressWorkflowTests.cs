using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.StepFunctions;
using Match = Amazon.CDK.Assertions.Match;

namespace TranscribeStack.Cdk.Tests.Workflow;

/// <summary>The event-started variant, alone in a bare stack: an Express state machine, its rule, target role and dead-letter
/// queue.</summary>
public sealed class EventStartedExpressWorkflowTests
{
    private readonly BareStack bare = new();

    private EventStartedExpressWorkflow Build(EventPattern? pattern = null, Schedule? schedule = null) =>
        EventStartedExpressWorkflow.Create(bare.Stack, new EventStartedExpressWorkflowOptions
        {
            Context = bare.Context,
            Comment = "a test workflow",
            Definition = () => new Pass(bare.Stack, "Do nothing"),
            Timeout = Duration.Minutes(1),
            RoleDescription = "the test workflow's role",
            GrantRole = _ => { },
            RuleDescription = "starts the test workflow",
            EventPattern = pattern,
            Schedule = schedule,
            TargetRoleDescription = "starts the test workflow for the rule",
            MaxEventAge = Duration.Hours(1),
            RetryAttempts = 20,
        });

    private static EventPattern Uploads => new() { Source = ["aws.s3"] };

    [Fact]
    public void StateMachine_IsExpressAndBuiltAsEveryOther()
    {
        var built = Build(Uploads);
        bare.Template.HasResourceProperties("AWS::StepFunctions::StateMachine", new ObjectDict
        {
            ["StateMachineType"] = "EXPRESS",
            ["RoleArn"] = Cfn.Arn(bare.LogicalId(built.Role)),
            ["TracingConfiguration"] = new ObjectDict { ["Enabled"] = true },
            ["LoggingConfiguration"] = new ObjectDict { ["Level"] = "ALL", ["IncludeExecutionData"] = false },
        });
    }

    [Fact]
    public void Rule_StartsTheStateMachineThroughItsTargetRoleWithRetriesAndTheDeadLetterQueue()
    {
        var built = Build(Uploads);
        bare.Template.HasResourceProperties("AWS::Events::Rule", new ObjectDict
        {
            ["Description"] = "starts the test workflow",
            ["EventPattern"] = new ObjectDict { ["source"] = new[] { "aws.s3" } },
            ["Targets"] = RuleTargets.StartStateMachine(
                bare.LogicalId(built.StateMachine), bare.LogicalId(built.TargetRole), bare.LogicalId(built.DeadLetterQueue),
                    maxEventAgeSeconds: 3600, retryAttempts: 20),
        });
    }

    [Fact]
    public void TargetRole_IsTrustedByEventBridgeForThisAccountAndMayStartThisStateMachineOnly()
    {
        var built = Build(Uploads);
        bare.Template.HasResourceProperties("AWS::IAM::Role", new ObjectDict
        {
            ["Description"] = "starts the test workflow for the rule",
            ["AssumeRolePolicyDocument"] = new ObjectDict
            {
                ["Statement"] = new[]
                {
                    new ObjectDict
                    {
                        ["Principal"] = new ObjectDict { ["Service"] = "events.amazonaws.com" },
                        ["Condition"] =
                            new ObjectDict { ["StringEquals"] = new ObjectDict { ["aws:SourceAccount"] = Cfn.Ref("AWS::AccountId") } },
                    },
                },
            },
        });
        bare.Template.HasResourceProperties("AWS::IAM::Policy", new ObjectDict
        {
            ["Roles"] = new[] { Cfn.Ref(bare.LogicalId(built.TargetRole)) },
            ["PolicyDocument"] = new ObjectDict
            {
                ["Statement"] = new[]
                {
                    new ObjectDict
                    {
                        ["Action"] = "states:StartExecution",
                        ["Effect"] = "Allow",
                        ["Resource"] = Cfn.Ref(bare.LogicalId(built.StateMachine)),
                    },
                },
            },
        });
    }

    [Fact]
    public void DeadLetterQueue_IsEncryptedWithTheContextsKeyAndCreatedInTheOwnersScope()
    {
        var built = Build(Uploads);
        Assert.StartsWith("EventDeadLetterQueue", bare.LogicalId(built.DeadLetterQueue), StringComparison.Ordinal);
        bare.Template.HasResourceProperties("AWS::SQS::Queue", new ObjectDict { ["KmsMasterKeyId"] = Cfn.Arn(bare.LogicalId(bare.Key)) });
    }

    [Fact]
    public void Create_WithNeitherPatternNorSchedule_Throws()
    {
        Assert.Throws<ArgumentException>(() => Build());
    }
}
