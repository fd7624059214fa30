using Amazon.CDK;

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
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Stack_Tags_DeriveFromSettings(string environment)
    {
        var synthesized = stacks[environment];
        var tags = synthesized.Stack.Tags.TagValues();

        Assert.Equal(environment, tags["Environment"]);
        Assert.Equal("TranscribeStack", tags["Application"]);
        Assert.Equal(synthesized.Settings.Tags.CostCenter, tags["CostCenter"]);
        Assert.Equal(synthesized.Settings.Tags.Owner, tags["Owner"]);
        Assert.Equal(synthesized.Settings.Tags.DataClassification, tags["DataClassification"]);
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Stack_WithoutAccountOrRegion_IsEnvironmentAgnostic(string environment)
    {
        var stack = stacks[environment].Stack;

        Assert.True(Token.IsUnresolved(stack.Account));
        Assert.True(Token.IsUnresolved(stack.Region));
    }

    [Fact]
    public void Stack_DataClassification_IsStricterInProd()
    {
        Assert.Equal("Internal", stacks["dev"].Settings.Tags.DataClassification);
        Assert.Equal("Restricted", stacks["prod"].Settings.Tags.DataClassification);
    }
}
