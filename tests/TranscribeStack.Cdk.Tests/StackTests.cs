namespace TranscribeStack.Cdk.Tests;

[Collection(SynthesizedStacksCollection.Name)]
public sealed class StackTests(SynthesizedStacks stacks)
{
    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Stack_EachEnvironment_IsNamedAfterIt(string environment)
    {
        var stack = stacks[environment].Stack;

        Assert.Equal($"TranscribeStack-{environment}", stack.StackName);
        Assert.Contains($"({environment})", stack.TemplateOptions.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dev", false)]
    [InlineData("staging", false)]
    [InlineData("prod", true)]
    public void Stack_TerminationProtection_FollowsDeletionProtection(string environment, bool expected)
    {
        Assert.Equal(expected, stacks[environment].Stack.TerminationProtection);
    }

    [Theory]
    [InlineData("dev", "speech-platform-dev", "Internal")]
    [InlineData("staging", "speech-platform", "Confidential")]
    [InlineData("prod", "speech-platform", "Restricted")]
    public void Stack_Tags_AreTheEnvironmentsCostCenterOwnerAndClassification(string environment, string costCenter, string classification)
    {
        var tags = stacks[environment].Stack.Tags.TagValues();

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["Application"] = "TranscribeStack",
                ["CostCenter"] = costCenter,
                ["DataClassification"] = classification,
                ["Environment"] = environment,
                ["Owner"] = "platform-team",
            },
            tags);
    }

    [Theory]
    [InlineData("dev", "speech-platform-dev", "Internal")]
    [InlineData("staging", "speech-platform", "Confidential")]
    [InlineData("prod", "speech-platform", "Restricted")]
    public void Stack_DataClassification_IsStricterTowardsProdOnEveryTaggedResource(string environment, string costCenter,
        string classification)
    {
        var stack = stacks[environment];
        var taggedTypes = stack.Resources
            .Where(r => r.Value?["Properties"]?["Tags"] is not null)
            .Select(r => r.Value?["Type"]?.GetValue<string>() ?? string.Empty)
            .ToHashSet(StringComparer.Ordinal);

        // The data lives in these: each must carry the classification its environment's data has.
        Assert.Superset(
            new HashSet<string>(StringComparer.Ordinal)
            {
                "AWS::KMS::Key", "AWS::S3::Bucket", "AWS::DynamoDB::Table", "AWS::SQS::Queue", "AWS::Logs::LogGroup",
            },
            taggedTypes);
        Assert.All(taggedTypes, type => stack.Template.AllResourcesProperties(type, new ObjectDict
        {
            // CloudFormation lists the tags sorted by key.
            ["Tags"] = new[]
            {
                Cfn.Tag("Application", "TranscribeStack"),
                Cfn.Tag("CostCenter", costCenter),
                Cfn.Tag("DataClassification", classification),
                Cfn.Tag("Environment", environment),
                Cfn.Tag("Owner", "platform-team"),
            },
        }));
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Stack_WithoutCredentials_TakesTheCliRegionAndLeavesTheAccountToDeployment(string environment)
    {
        var stack = stacks[environment].Stack;

        Assert.True(Token.IsUnresolved(stack.Account));
        Assert.Equal(SynthesizedStacks.CliDefaultRegion, stack.Region);
    }
}
