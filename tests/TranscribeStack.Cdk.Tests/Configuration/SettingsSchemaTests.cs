namespace TranscribeStack.Cdk.Tests.Configuration;

/// <summary>
/// The documents generated from the settings: config/settings.schema.json (the settings record as JSON Schema,
/// for editors, through <see cref="SettingsShape"/>, which the settings-file reader walks too) and the settings
/// table of docs/settings.md (the catalog's values, <see cref="SettingsTable"/>). Each test fails when the committed text
/// differs; UPDATE_GENERATED_DOCS=1 rewrites it instead.
/// </summary>
public sealed class SettingsSchemaTests
{
    private const string Regenerate = "Regenerate it: UPDATE_GENERATED_DOCS=1 dotnet test tests/TranscribeStack.Cdk.Tests --filter " +
        "SettingsSchemaTests";

    private const string TableBegin = "<!-- settings-table:begin: generated from cdk/Configuration/EnvironmentCatalog.cs by " +
        "tests/TranscribeStack.Cdk.Tests/Configuration/SettingsSchemaTests.cs; UPDATE_GENERATED_DOCS=1 rewrites it -->\n";

    private const string TableEnd = "<!-- settings-table:end -->";

    private static readonly string SchemaFile = Path.Combine(RepositoryFiles.Root, "config", "settings.schema.json");

    private const string SettingsDocName = "docs/settings.md";

    private static readonly string SettingsDoc = Path.Combine(RepositoryFiles.Root, "docs", "settings.md");

    private static bool Updating => System.Environment.GetEnvironmentVariable("UPDATE_GENERATED_DOCS") == "1";

    [Fact]
    public void SchemaFile_EqualsTheSchemaOfTheRecord()
    {
        var generated = Generate();
        var text = generated.ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping
        }) + "\n";
        if (Updating)
        {
            File.WriteAllText(SchemaFile, text);
        }

        var committed = JsonNode.Parse(File.ReadAllText(SchemaFile));

        Assert.True(JsonNode.DeepEquals(generated, committed),
            $"config/settings.schema.json differs from the settings record. {Regenerate}");
    }

    [Fact]
    public void SettingsDocTable_EqualsTheCatalog()
    {
        var document = File.ReadAllText(SettingsDoc).ReplaceLineEndings("\n");
        var begin = document.IndexOf(TableBegin, StringComparison.Ordinal);
        var end = document.IndexOf(TableEnd, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"{SettingsDocName} has no region between '{TableBegin.TrimEnd()}' and '{TableEnd}'");
        var committed = document[(begin + TableBegin.Length)..end];
        var generated = SettingsTable.Render();
        if (Updating && committed != generated)
        {
            File.WriteAllText(SettingsDoc, document[..(begin + TableBegin.Length)] + generated + document[end..]);
            committed = generated;
        }

        Assert.True(committed == generated,
            $"{SettingsDocName}'s settings table differs from cdk/Configuration/EnvironmentCatalog.cs. " +
            $"{Regenerate}\nGenerated:\n{generated}");
    }

    [Fact]
    public void SettingsTable_ChangesWithTheCatalog()
    {
        // The table is read from the catalog, not written beside it: every environment's column is its own value.
        var table = SettingsTable.Render();

        Assert.Contains(
            $"| Transcribe deferred execution (queueing) | {string.Join(" | ", EnvironmentCatalog.Names.Select(
                n => EnvironmentCatalog.Get(n).Transcribe.AllowDeferredExecution ? "on" : "off"))} |",
            table,
            StringComparison.Ordinal);
        Assert.Contains($"| {EnvironmentCatalog.Dev.Reprocessing.MaxConcurrency} | " +
            $"{EnvironmentCatalog.Staging.Reprocessing.MaxConcurrency} | {EnvironmentCatalog.Prod.Reprocessing.MaxConcurrency} |", table,
            StringComparison.Ordinal);
    }

    [Fact]
    public void EveryChoiceList_IsEnforcedByTheValidation()
    {
        // A value outside a setting's choices is refused under that setting's key: the schema's enums
        // and the synth-time validation hold the same lists.
        foreach (var (path, property, owner) in ChoiceProperties())
        {
            var bad = property.Kind switch
            {
                SettingKind.Text => (object)"not-a-choice",
                SettingKind.StringList => new List<string> { "not-a-choice" },
                _ =>
                    Activator.CreateInstance(typeof(Dictionary<,>)
                    .MakeGenericType(typeof(string), property.ValueType)) is System.Collections.IDictionary map
                    ? WithEntry(map, "not-a-choice", Activator.CreateInstance(property.ValueType)!)
                    : throw new InvalidOperationException(path),
            };
            var settings = With(EnvironmentCatalog.Dev, owner, property, bad);

            Assert.Contains(settings.Validate(), p => p.StartsWith($"'{path}", StringComparison.Ordinal));
        }
    }

    private static System.Collections.IDictionary WithEntry(System.Collections.IDictionary map, string key, object value)
    {
        map[key] = value;
        return map;
    }

    /// <summary>The settings with one property of one nested record (found by type) replaced.</summary>
    private static EnvironmentSettings With(EnvironmentSettings settings, Type owner, SettingProperty property, object value)
    {
        var holder = SettingsShape.PropertiesOf(typeof(EnvironmentSettings)).Single(p => p.ValueType == owner);
        var record = holder.Property.GetValue(settings)!;
        var changed = record.GetType().GetMethod("<Clone>$")!.Invoke(record, null)!;
        property.Property.SetValue(changed, value);
        var copy = (EnvironmentSettings)typeof(EnvironmentSettings).GetMethod("<Clone>$")!.Invoke(settings, null)!;
        holder.Property.SetValue(copy, changed);
        return copy;
    }

    private static IEnumerable<(string Path, SettingProperty Property, Type Owner)> ChoiceProperties() =>
        SettingsShape.PropertiesOf(typeof(EnvironmentSettings))
            .Where(p => p.Kind == SettingKind.Record)
            .SelectMany(record => SettingsShape.PropertiesOf(record.ValueType)
                .Where(p => p.Choices is not null)
                .Select(p => ($"{record.JsonName}.{p.JsonName}", p, record.ValueType)));

    /// <summary>JSON Schema (2020-12) of a settings file: every key optional, no other key allowed.</summary>
    internal static JsonObject Generate()
    {
        var definitions = new JsonObject();
        var root = ObjectSchema(typeof(EnvironmentSettings), definitions);
        ((JsonObject)root["properties"]!)
            .Insert(0, "$schema", new JsonObject { ["type"] = "string", ["description"] = "The schema, for editors; the app ignores it." });
        var schema = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = "https://github.com/transcribestack/transcribestack/config/settings.schema.json",
            ["title"] = "TranscribeStack settings file",
            ["description"] = "Overrides of one environment's settings (cdk/Configuration/EnvironmentCatalog.cs), read with -c " +
                "settingsFile=<file>. Every key is optional; nested objects are merged key by key, lists and maps replace the catalog's, " +
                "null unsets an optional value. Ranges and the combinations Transcribe refuses are checked at synth. Generated from the " +
                "settings record by tests/TranscribeStack.Cdk.Tests/Configuration/SettingsSchemaTests.cs.",
        };
        foreach (var (key, value) in root)
        {
            schema[key] = value?.DeepClone();
        }

        schema["$defs"] = definitions;
        return schema;
    }

    private static JsonObject ObjectSchema(Type record, JsonObject definitions)
    {
        var properties = new JsonObject();
        foreach (var property in SettingsShape.PropertiesOf(record))
        {
            properties[property.JsonName] = PropertySchema(property, definitions);
        }

        return new JsonObject { ["type"] = "object", ["additionalProperties"] = false, ["properties"] = properties };
    }

    private static JsonObject PropertySchema(SettingProperty property, JsonObject definitions)
    {
        JsonArray? Choices() =>
            property.Choices is { } choices ? new JsonArray([.. choices.Select(c => (JsonNode)JsonValue.Create(c))]) : null;
        JsonObject Nullable(JsonObject schema, string type)
        {
            schema["type"] = property.Nullable ? new JsonArray(type, "null") : type;
            return schema;
        }

        switch (property.Kind)
        {
            case SettingKind.Text:
                var text = Nullable(new JsonObject(), "string");
                if (Choices() is { } values)
                {
                    if (property.Nullable)
                    {
                        values.Add(null);
                    }

                    text["enum"] = values;
                }

                return text;
            case SettingKind.Boolean:
                return Nullable(new JsonObject(), "boolean");
            case SettingKind.WholeNumber:
                var number = Nullable(new JsonObject(), "integer");
                if (property.Range is { } range)
                {
                    number["minimum"] = range.Minimum;
                    number["maximum"] = range.Maximum;
                }

                return number;
            case SettingKind.Number:
                return Nullable(new JsonObject(), "number");
            case SettingKind.Enum:
                return new JsonObject
                {
                    ["type"] = "string",
                    ["enum"] = new JsonArray([.. Enum.GetNames(property.ValueType).Select(n => (JsonNode)JsonValue.Create(n))]),
                };
            case SettingKind.StringList:
                var item = new JsonObject { ["type"] = "string" };
                if (Choices() is { } items)
                {
                    item["enum"] = items;
                }

                return new JsonObject { ["type"] = "array", ["items"] = item };
            case SettingKind.StringMap:
                return new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "string" } };
            case SettingKind.RecordMap:
                Define(property.ValueType, definitions);
                var map = new JsonObject
                {
                    ["type"] = "object",
                    ["additionalProperties"] = new JsonObject { ["$ref"] = $"#/$defs/{property.ValueType.Name}" },
                };
                if (Choices() is { } keys)
                {
                    map["propertyNames"] = new JsonObject { ["enum"] = keys };
                }

                return map;
            default:
                Define(property.ValueType, definitions);
                return new JsonObject { ["$ref"] = $"#/$defs/{property.ValueType.Name}" };
        }
    }

    private static void Define(Type record, JsonObject definitions)
    {
        if (!definitions.ContainsKey(record.Name))
        {
            definitions[record.Name] = null; // reserve: a record may refer to itself
            definitions[record.Name] = ObjectSchema(record, definitions);
        }
    }
}
