using TranscribeStack.Cdk.Functions;

namespace TranscribeStack.Cdk.Tests;

/// <summary>
/// Synthesizes every environment once per test run (jsii synthesis is slow) with the same
/// feature flags as <c>cdk.json</c>, and shares the templates with every test class.
/// </summary>
public sealed class SynthesizedStacks
{
    private readonly Dictionary<string, SynthesizedStack> stacks = [];

    public SynthesizedStacks()
    {
        foreach (var name in EnvironmentCatalog.Names)
        {
            stacks[name] = Synthesize(EnvironmentCatalog.Get(name).EnsureValid());
        }

        Example = Synthesize(SettingsResolver.Resolve(new Dictionary<string, string?>
        {
            ["env"] = "prod",
            ["settingsFile"] = Path.Combine(RepositoryFiles.Root, "config", "example.prod.json"),
        }));
    }

    public SynthesizedStack this[string environment] => stacks[environment];

    /// <summary>prod with config/example.prod.json: every Transcribe option a fixed-language job can have.</summary>
    public SynthesizedStack Example { get; }

    public IEnumerable<SynthesizedStack> All => stacks.Values;

    private static SynthesizedStack Synthesize(ValidatedSettings settings)
    {
        var context = new Dictionary<string, object>(RepositoryFiles.CdkJsonContext())
        {
            // Template tests do not need the published Lambda; the synth command and the packaging
            // test publish it. An empty list skips asset bundling for every stack.
            ["aws:cdk:bundling-stacks"] = Array.Empty<string>(),
        };
        var app = new App(new AppProps { Context = context });
        var stack = new TranscriptionPipelineStack(app, settings.Value.StackName, new TranscriptionPipelineStackProps
        {
            Settings = settings,
            FunctionsCode = DotnetPublishBundling.FromProject(Path.Combine(RepositoryFiles.Root, "functions", "TranscribeStack.Functions")),
        });
        var template = Template.FromStack(stack);
        var assembly = app.Synth();
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(assembly.Directory, stack.TemplateFile)))!.AsObject();
        return new SynthesizedStack(settings.Value, stack, template, json);
    }

    /// <summary>Environment names as xunit theory data.</summary>
    public static TheoryData<string> Environments => new(EnvironmentCatalog.Names);
}

/// <summary>One synthesized environment: the CDK assertions view (<see cref="Template"/>) and the raw template JSON.</summary>
public sealed record SynthesizedStack(EnvironmentSettings Settings, TranscriptionPipelineStack Stack, Template Template, JsonObject Json)
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
        return Template.FromString(new JsonObject { [ResourcesKey] = new JsonObject { [logicalId] = resource.DeepClone() } }.ToJsonString());
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
