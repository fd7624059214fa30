namespace TranscribeStack.Cdk.Tests;

/// <summary>
/// The cloud assemblies the fixture writes for the judges and the workflow tests (cdk.out/&lt;env&gt;/ and
/// cdk.out/settings/&lt;file&gt;/&lt;env&gt;/). scripts/synth-all.sh runs this class alone to write them.
/// </summary>
[Collection(SynthesizedStacksCollection.Name)]
public sealed class CloudAssemblyTests(SynthesizedStacks stacks)
{
    [Fact]
    public void CloudAssemblies_EveryEnvironmentAndSettingsFile_AreWrittenUnderCdkOut()
    {
        var synthesized = stacks.All.Concat(stacks.SettingsFiles.Values).ToList();

        Assert.Equal(
            [
                "cdk.out/dev/TranscribeStack-dev.template.json",
                "cdk.out/prod/TranscribeStack-prod.template.json",
                "cdk.out/settings/example.prod/prod/TranscribeStack-prod.template.json",
                "cdk.out/settings/language-identification/dev/TranscribeStack-dev.template.json",
                "cdk.out/settings/multiple-languages/dev/TranscribeStack-dev.template.json",
                "cdk.out/staging/TranscribeStack-staging.template.json",
            ],
            synthesized.Select(stack => Path.GetRelativePath(RepositoryFiles.Root, stack.TemplateFile).Replace('\\', '/'))
                .Order(StringComparer.Ordinal));
        Assert.All(synthesized, stack => Assert.True(
            JsonNode.DeepEquals(stack.Json, JsonNode.Parse(File.ReadAllText(stack.TemplateFile))),
            $"{stack.TemplateFile} is not the template the tests assert"));
    }
}
