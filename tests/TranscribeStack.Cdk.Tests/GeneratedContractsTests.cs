using System.Reflection;
using System.Text.Json;
using TranscribeStack.Cdk.Configuration;
using TranscribeStack.Cdk.Workflow;

namespace TranscribeStack.Cdk.Tests;

/// <summary>
/// The JSON files that carry facts of the C# code to the JavaScript test kit, the workflow tests and the judges:
/// contracts/state-names.json (<see cref="StateNames"/>) and contracts/transcribe-facts.json (what Transcribe accepts:
/// <see cref="TranscribeLanguages"/>, the choice lists and limits of <see cref="TranscribeSettings"/>, and the request
/// members its options render, <see cref="StartJobOptions"/>). Each test fails when the committed file differs from
/// the code; UPDATE_GENERATED_DOCS=1 rewrites it instead.
/// </summary>
public sealed class GeneratedContractsTests
{
    private const string Regenerate =
        "Regenerate it: UPDATE_GENERATED_DOCS=1 dotnet test tests/TranscribeStack.Cdk.Tests --filter GeneratedContractsTests";

    private static bool Updating => System.Environment.GetEnvironmentVariable("UPDATE_GENERATED_DOCS") == "1";

    [Fact]
    public void StateNamesJson_EqualsTheConstants()
    {
        AssertCommitted("state-names.json", StateNamesJson());
    }

    [Fact]
    public void TranscribeFactsJson_EqualsTheSettings()
    {
        AssertCommitted("transcribe-facts.json", TranscribeFactsJson());
    }

    [Fact]
    public void StateNames_AreUniqueWithinEachStateMachine()
    {
        foreach (var machine in typeof(StateNames).GetNestedTypes())
        {
            var names = Constants(machine).Select(c => c.Value).ToList();

            Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        }
    }

    /// <summary>Every state machine as an object of its constants, in declaration order, named in camelCase.</summary>
    internal static JsonObject StateNamesJson()
    {
        var json = new JsonObject { ["$comment"] = Comment("cdk/StateNames.cs") };
        foreach (var machine in typeof(StateNames).GetNestedTypes().OrderBy(t => t.MetadataToken))
        {
            json[SettingsShape.JsonName(machine.Name)] = new JsonObject(Constants(machine)
                .Select(c => KeyValuePair.Create(SettingsShape.JsonName(c.Name), (JsonNode?)JsonValue.Create(c.Value))));
        }

        return json;
    }

    internal static JsonObject TranscribeFactsJson()
    {
        // The lists a setting's choices name, and the feature languages the rules read, under their C# names.
        var lists = new JsonObject
        {
            ["batchLanguageCodes"] = List(TranscribeLanguages.BatchLanguageCodes),
            ["redactionLanguageCodes"] = List(TranscribeLanguages.RedactionLanguageCodes),
            ["toxicityLanguageCodes"] = List(TranscribeLanguages.ToxicityLanguageCodes),
        };
        var choiceLists = StartJobOptions.All.Select(o => o.Setting.Property.GetCustomAttribute<SettingChoicesAttribute>());
        foreach (var choices in choiceLists.OfType<SettingChoicesAttribute>())
        {
            lists[SettingsShape.JsonName(choices.ListName)] = List(choices.Choices);
        }

        return new JsonObject
        {
            ["$comment"] = Comment("cdk/Configuration/TranscribeLanguages.cs and TranscribeSettings.cs"),
            ["lists"] = lists,
            ["limits"] = new JsonObject
            {
                ["minLanguageOptions"] = TranscribeSettings.MinLanguageOptions,
                ["maxLanguageIdSettings"] = TranscribeSettings.MaxLanguageIdSettings,
                ["maxKmsEncryptionContextPairs"] = TranscribeSettings.MaxKmsEncryptionContextPairs,
            },
            ["requestMembers"] = new JsonArray([.. StartJobOptions.All.Select(RequestMember)]),
        };
    }

    /// <summary>
    /// What Transcribe's stand-in checks of one member the options render: the list its values (a list's items, a
    /// map's keys) come from, its range, and the member it is always sent with.
    /// </summary>
    private static JsonObject RequestMember(StartJobOption option)
    {
        var member = new JsonObject { ["path"] = option.Path };
        if (option.Setting.Property.GetCustomAttribute<SettingChoicesAttribute>() is { } choices)
        {
            member["choicesFrom"] = SettingsShape.JsonName(choices.ListName);
        }

        if (option.Range is { } range)
        {
            member["minimum"] = range.Minimum;
            member["maximum"] = range.Maximum;
        }

        if (option.SentWith is { } companion)
        {
            member["sentWith"] = companion;
        }

        return member;
    }

    private static void AssertCommitted(string fileName, JsonObject generated)
    {
        var file = Path.Combine(RepositoryFiles.Root, "contracts", fileName);
        if (Updating)
        {
            File.WriteAllText(file, generated.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        }

        var committed = File.Exists(file) ? JsonNode.Parse(File.ReadAllText(file)) : null;

        Assert.True(JsonNode.DeepEquals(generated, committed), $"contracts/{fileName} differs from the code. {Regenerate}");
    }

    private static string Comment(string source) =>
        $"Generated from {source} by tests/TranscribeStack.Cdk.Tests/GeneratedContractsTests.cs: do not edit; " +
        "UPDATE_GENERATED_DOCS=1 dotnet test tests/TranscribeStack.Cdk.Tests --filter GeneratedContractsTests rewrites it.";

    private static JsonArray List(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);

    private static IEnumerable<(string Name, string Value)> Constants(Type machine) =>
        machine.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .OrderBy(f => f.MetadataToken)
            .Select(f => (f.Name, (string)f.GetRawConstantValue()!));
}
