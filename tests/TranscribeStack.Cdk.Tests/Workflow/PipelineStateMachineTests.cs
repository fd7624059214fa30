using Amazon.CDK.AWS.StepFunctions;

namespace TranscribeStack.Cdk.Tests.Workflow;

/// <summary>The one state machine builder, alone in a bare stack: role, encrypted log group, tracing, log level.</summary>
public sealed class PipelineStateMachineTests
{
    private readonly BareStack bare = new();

    private PipelineStateMachine Build(LogLevel? logLevel = null) =>
        PipelineStateMachine.Create(bare.Stack, new PipelineStateMachineOptions
        {
            Context = bare.Context,
            Comment = "a test state machine",
            Definition = () => new Pass(bare.Stack, "Do nothing"),
            RoleDescription = "the test state machine's role",
            LogLevel = logLevel ?? LogLevel.ALL,
        });

    [Fact]
    public void Role_IsTrustedByStepFunctionsForThisAccountOnly()
    {
        var built = Build();
        bare.Template.HasResourceProperties("AWS::IAM::Role", new ObjectDict
        {
            ["Description"] = "the test state machine's role",
            ["AssumeRolePolicyDocument"] = new ObjectDict
            {
                ["Statement"] = new[]
                {
                    new ObjectDict
                    {
                        ["Principal"] = new ObjectDict { ["Service"] = "states.amazonaws.com" },
                        ["Condition"] =
                            new ObjectDict { ["StringEquals"] = new ObjectDict { ["aws:SourceAccount"] = Cfn.Ref("AWS::AccountId") } },
                    },
                },
            },
        });
        bare.Template.HasResourceProperties("AWS::StepFunctions::StateMachine",
            new ObjectDict { ["RoleArn"] = Cfn.Arn(bare.LogicalId(built.Role)) });
    }

    [Fact]
    public void StateMachine_DependsOnItsRolesPolicy()
    {
        var built = Build();
        var (_, stateMachine) = bare.Single("AWS::StepFunctions::StateMachine");
        var policy = bare.Single("AWS::IAM::Policy").Id;
        Assert.Contains(policy, stateMachine["DependsOn"]!.AsArray().Select(d => d!.GetValue<string>()));
        Assert.Contains(bare.LogicalId(built.Role), stateMachine["DependsOn"]!.AsArray().Select(d => d!.GetValue<string>()));
    }

    [Fact]
    public void LogGroup_IsEncryptedWithTheContextsKeyRetentionAndRemovalPolicy()
    {
        Build();
        var (_, logGroup) = bare.Single("AWS::Logs::LogGroup");
        Assert.Equal("Delete", logGroup["DeletionPolicy"]!.GetValue<string>());
        bare.Template.HasResourceProperties("AWS::Logs::LogGroup", new ObjectDict
        {
            ["KmsKeyId"] = Cfn.Arn(bare.LogicalId(bare.Key)),
            ["RetentionInDays"] = 7,
        });
    }

    [Fact]
    public void StateMachine_IsTracedAndLogsToItsGroupAtTheGivenLevelWithoutExecutionData()
    {
        var built = Build(LogLevel.ERROR);
        bare.Template.HasResourceProperties("AWS::StepFunctions::StateMachine", new ObjectDict
        {
            ["StateMachineType"] = "STANDARD",
            ["TracingConfiguration"] = new ObjectDict { ["Enabled"] = true },
            ["LoggingConfiguration"] = new ObjectDict
            {
                ["Level"] = "ERROR",
                ["IncludeExecutionData"] = false,
                ["Destinations"] = new[]
                {
                    new ObjectDict
                    {
                        ["CloudWatchLogsLogGroup"] = new ObjectDict { ["LogGroupArn"] = Cfn.Arn(bare.LogicalId(built.LogGroup)) },
                    },
                },
            },
        });
    }

    [Fact]
    public void Role_MayDeliverLogsAndTracesAndNothingTheOwnerDidNotGrant()
    {
        Build();
        var (_, policy) = bare.Single("AWS::IAM::Policy");
        var sids = policy["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray().Select(s => s!["Sid"]?.GetValue<string>());
        Assert.Equal(["DeliverExecutionLogs", "SendTraces"], sids);
    }
}
