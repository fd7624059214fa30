namespace TranscribeStack.Cdk.Tests.Security;

/// <summary>Transcribe's job queueing (on in every environment): the data-access role and passing it.</summary>
[Collection(SynthesizedStacksCollection.Name)]
public sealed class DeferredExecutionTests(SynthesizedStacks stacks)
{
    private const string Raw = "arn:" + LogicalIds.RawBucket;
    private const string Transcripts = "arn:" + LogicalIds.TranscriptBucket;
    private const string DataAccessRole = LogicalIds.DataAccessRole;

    private SynthesizedStack Prod => stacks["prod"];

    [Fact]
    public void DataAccessRole_IsTrustedOnlyByTranscribeOfThisAccount()
    {
        var trust = Assert.Single(Prod.TrustStatements(DataAccessRole));

        Assert.Equal(["transcribe.amazonaws.com"], trust.ServicePrincipals);
        Assert.Equal("123456789012", trust.Condition("StringEquals", "aws:SourceAccount"));
        // The form of Transcribe's documented data-access trust example: no AWS page says which ARN Transcribe presents.
        Assert.Equal("arn:aws:transcribe:us-east-1:123456789012:*", trust.Condition("ArnLike", "aws:SourceArn"));
    }

    [Fact]
    public void DataAccessRole_HoldsOnlyMediaReadOutputWriteAndKey()
    {
        var statements = Prod.RoleStatements(DataAccessRole);

        Assert.True(statements.Allows("s3:GetObject", Raw + "/media/a.mp3"));
        Assert.True(statements.Allows("s3:PutObject", Transcripts + "/transcripts/job.json"));
        Assert.False(statements.Allows("s3:PutObject", Raw + "/media/a.mp3"));
        Assert.False(statements.Allows("s3:GetObject", Transcripts + "/transcripts/job.json"));
        Assert.Equal(
            ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "s3:GetObject", "s3:PutObject"],
            statements.SelectMany(s => s.Actions).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void CallerRole_PassesTheDataAccessRoleOnlyToTranscribe()
    {
        var pass = Assert.Single(Prod.RoleStatements(LogicalIds.WorkflowRole), s => s.Actions.Contains("iam:PassRole"));

        Assert.Equal(["arn:" + DataAccessRole], pass.Resources);
        Assert.Equal("transcribe.amazonaws.com", pass.Condition("StringEquals", "iam:PassedToService"));
    }

    [Fact]
    public void StartJob_AllowsDeferredExecutionWithTheDataAccessRole()
    {
        StateMachineDefinition.Of(Prod).HasState(StateNames.Workflow.StartTranscriptionJob, new ObjectDict
        {
            ["Parameters"] = new ObjectDict
            {
                ["JobExecutionSettings"] = new ObjectDict
                {
                    ["AllowDeferredExecution"] = true,
                    ["DataAccessRoleArn"] = "arn:" + DataAccessRole,
                },
            },
        });
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Queueing_IsOnInEveryEnvironment_SoABurstIsQueuedNotFailed(string environment)
    {
        var stack = stacks[environment];

        StateMachineDefinition.Of(stack).HasState(StateNames.Workflow.StartTranscriptionJob, new ObjectDict
        {
            ["Parameters"] = new ObjectDict
            {
                ["JobExecutionSettings"] = new ObjectDict
                {
                    ["AllowDeferredExecution"] = true,
                    ["DataAccessRoleArn"] = "arn:" + DataAccessRole,
                },
            },
        });
        Assert.Single(stack.RoleStatements(LogicalIds.WorkflowRole), s => s.Actions.Contains("iam:PassRole"));
    }
}
