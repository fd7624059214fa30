using TranscribeStack.Cdk.Functions;

namespace TranscribeStack.Cdk.Tests;

/// <summary>
/// Synthesizes every environment, and every settings file the repository keeps (config/example.prod.json,
/// tests/workflow/settings/*.json), once per test run (jsii synthesis is slow) with the context the CDK CLI
/// gives the app (cdk.json's feature flags, path and asset metadata, version reporting), and shares the
/// templates with every test class. The cloud assemblies are written where the judges and the workflow tests
/// read them: cdk.out/&lt;env&gt;/ and cdk.out/settings/&lt;file&gt;/&lt;env&gt;/ (scripts/test.sh checks that the
/// CLI's dev template is the same).
/// </summary>
public sealed class SynthesizedStacks
{
    /// <summary>The region the CDK CLI gives the app (CDK_DEFAULT_REGION) where none is configured, as in CI.</summary>
    public const string CliDefaultRegion = "us-east-1";

    private readonly Dictionary<string, SynthesizedStack> stacks = [];

    public SynthesizedStacks()
    {
        var cdkOut = Path.Combine(RepositoryFiles.Root, "cdk.out");
        foreach (var name in EnvironmentCatalog.Names)
        {
            var settings = SettingsResolver.Resolve(new Dictionary<string, string?> { ["env"] = name }, defaultRegion: CliDefaultRegion);
            stacks[name] = Synthesize(settings, Path.Combine(cdkOut, name));
        }

        SettingsFiles = Directory.GetFiles(Path.Combine(RepositoryFiles.Root, "tests", "workflow", "settings"), "*.json")
            .Prepend(Path.Combine(RepositoryFiles.Root, "config", "example.prod.json"))
            .ToDictionary(file => Path.GetFileNameWithoutExtension(file), SynthesizeSettingsFile);
        Example = SettingsFiles["example.prod"];
    }

    public SynthesizedStack this[string environment] => stacks[environment];

    /// <summary>prod with config/example.prod.json: every Transcribe option a fixed-language job can have.</summary>
    public SynthesizedStack Example { get; }

    /// <summary>Every settings file the repository keeps, by file name without extension.</summary>
    public IReadOnlyDictionary<string, SynthesizedStack> SettingsFiles { get; }

    public IEnumerable<SynthesizedStack> All => stacks.Values;

    /// <summary>A settings file, in the environment its "name" gives (dev when it has none), as <c>-c settingsFile=</c> would.</summary>
    private static SynthesizedStack SynthesizeSettingsFile(string file)
    {
        var environment = JsonNode.Parse(File.ReadAllText(file))?["name"]?.GetValue<string>() ?? "dev";
        var settings = SettingsResolver.Resolve(new Dictionary<string, string?> { ["env"] = environment, ["settingsFile"] = file },
            defaultRegion: CliDefaultRegion);
        var outdir = Path.Combine(RepositoryFiles.Root, "cdk.out", "settings", Path.GetFileNameWithoutExtension(file), environment);
        return Synthesize(settings, outdir);
    }

    private static SynthesizedStack Synthesize(ValidatedSettings settings, string outdir)
    {
        var context = new Dictionary<string, object>(RepositoryFiles.CdkJsonContext())
        {
            // What the CLI adds for `cdk synth`, so that the template is the CLI's.
            ["aws:cdk:enable-path-metadata"] = true,
            ["aws:cdk:enable-asset-metadata"] = true,
            ["aws:cdk:version-reporting"] = true,
            // Template tests do not need the published Lambda (the asset hash comes from its source, so the
            // template is the same); `cdk synth` publishes it. An empty list skips asset bundling for every stack.
            ["aws:cdk:bundling-stacks"] = Array.Empty<string>(),
        };
        if (Directory.Exists(outdir))
        {
            Directory.Delete(outdir, recursive: true);
        }

        var app = new App(new AppProps { Context = context, Outdir = outdir });
        var stack = new TranscriptionPipelineStack(app, settings.Value.StackName, new TranscriptionPipelineStackProps
        {
            Settings = settings,
            FunctionsCode = DotnetPublishBundling.FromProject(Path.Combine(RepositoryFiles.Root, "functions", "TranscribeStack.Functions")),
        });
        var template = Template.FromStack(stack);
        var assembly = app.Synth();
        var templateFile = Path.Combine(assembly.Directory, stack.TemplateFile);
        var json = JsonNode.Parse(File.ReadAllText(templateFile))!.AsObject();
        return new SynthesizedStack(settings.Value, stack, template, json, templateFile);
    }

    /// <summary>Environment names as xunit theory data.</summary>
    public static TheoryData<string> Environments => new(EnvironmentCatalog.Names);
}

/// <summary>One synthesized environment: the CDK assertions view (<see cref="Template"/>) and the raw template JSON.</summary>
public sealed record SynthesizedStack(EnvironmentSettings Settings, TranscriptionPipelineStack Stack, Template Template, JsonObject Json,
    string TemplateFile)
{
    public JsonObject Resources => Json[ResourcesKey]!.AsObject();

    private const string ResourcesKey = "Resources";

    /// <summary>
    /// A template holding only this resource, for the assertions API where a type has several resources
    /// (three buckets, two functions): <c>Only(id).HasResourceProperties(type, pattern)</c> says what that
    /// one resource is, and a mismatch is reported against it.
    /// </summary>
    public Template Only(string logicalId)
    {
        var resource = Resources[logicalId] ?? throw new KeyNotFoundException($"{Stack.StackName} has no resource '{logicalId}'");
        return Template.FromString(
            new JsonObject { [ResourcesKey] = new JsonObject { [logicalId] = resource.DeepClone() } }.ToJsonString());
    }

    /// <summary>Resources of one CloudFormation type, by logical id.</summary>
    public IReadOnlyDictionary<string, JsonObject> ResourcesOfType(string type) =>
        Resources.Where(r => r.Value?["Type"]?.GetValue<string>() == type)
            .ToDictionary(r => r.Key, r => r.Value!.AsObject());
}

[CollectionDefinition(Name)]
public sealed class SynthesizedStacksCollection : ICollectionFixture<SynthesizedStacks>
{
    public const string Name = "Synthesized stacks";
}

internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    /// <summary>The context of cdk.json (feature flags and the default environment), as the CLI passes it.</summary>
    public static Dictionary<string, object> CdkJsonContext()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "cdk.json")));
        return document.RootElement.GetProperty("context").EnumerateObject()
            .ToDictionary(p => p.Name, p => ToPlain(p.Value));
    }

    private static object ToPlain(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.Array => element.EnumerateArray().Select(ToPlain).ToArray(),
        _ => element.GetString() ?? string.Empty,
    };

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TranscribeStack.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("TranscribeStack.sln not found above " + AppContext.BaseDirectory);
    }
}
