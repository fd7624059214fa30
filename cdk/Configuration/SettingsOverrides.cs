using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace TranscribeStack.Cdk.Configuration;

/// <summary>
/// Applies a JSON document of settings (a settings file) onto an environment's settings. The document
/// has the shape of <see cref="EnvironmentSettings"/> in camelCase (config/settings.schema.json); every
/// key is optional and replaces the catalog value, nested objects are merged key by key, lists and maps
/// are replaced whole, and <c>null</c> unsets an optional value. Anything the record does not hold (an
/// unknown key, a wrong type, JSON that does not parse) is refused with the source, the key, the value
/// and what is allowed; the values themselves are validated afterwards, with the catalog's own rules.
/// </summary>
public static class SettingsOverrides
{
    private const string SchemaKey = "$schema";

    /// <summary>The settings with the document's values, or <see cref="InvalidSettingsException"/> naming
    /// <paramref name="source"/>.</summary>
    public static EnvironmentSettings Apply(EnvironmentSettings settings, string json, string source)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json,
                new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, byte {e.BytePositionInLine + 1}" : string.Empty;
            // The parser's own advice (reader options, 0-based positions) is about its API, not the file.
            var what = Regex.Replace(e.Message,
                @"\s*(Change the reader options\.)?\s*(Path: \S*)?\s*\|?\s*LineNumber: \d+ \| BytePositionInLine: \d+\.$", string.Empty,
                RegexOptions.None, TimeSpan.FromSeconds(1));
            throw new InvalidSettingsException(
                $"{source} is not valid JSON{where}: {what} Expected one JSON object with the keys of config/settings.schema.json (no "
                + "comments, no trailing commas).", e);
        }

        using (document)
        {
            var problems = new List<string>();
            var reader = new Reader(problems);
            var result = reader.Merge(settings, document.RootElement, path: string.Empty, isRoot: true);
            if (problems.Count > 0)
            {
                throw new InvalidSettingsException($"Invalid TranscribeStack settings in {source}:", problems);
            }

            var merged = (EnvironmentSettings)result;
            if (merged.Name != settings.Name)
            {
                throw new InvalidSettingsException(
                    $"Invalid TranscribeStack settings in {source}:",
                    [$"'name' = '{merged.Name}': this file is for environment '{merged.Name}', but the environment selected is "
                        + $"'{settings.Name}' (-c env=...); remove 'name' or select that environment."]);
            }

            return merged;
        }
    }

    private sealed class Reader(List<string> problems)
    {
        public object Merge(object current, JsonElement json, string path, bool isRoot = false)
        {
            var type = current.GetType();
            if (json.ValueKind != JsonValueKind.Object)
            {
                Problem(path, json,
                    $"expected an object with the keys {string.Join(", ", SettingsShape.PropertiesOf(type).Select(p => p.JsonName))}");
                return current;
            }

            var clone = type.GetMethod("<Clone>$")!.Invoke(current, null)!;
            var properties = SettingsShape.PropertiesOf(type).ToDictionary(p => p.JsonName, StringComparer.Ordinal);
            foreach (var member in json.EnumerateObject())
            {
                var key = path.Length == 0 ? member.Name : $"{path}.{member.Name}";
                if (isRoot && member.Name == SchemaKey)
                {
                    // Editors find the schema through it; the app has no use for it.
                    continue;
                }

                if (!properties.TryGetValue(member.Name, out var property))
                {
                    problems.Add(
                        $"'{key}' is not a setting. {(path.Length == 0 ? "Top-level keys" : $"Keys of '{path}'")} are: "
                        + $"{string.Join(", ", properties.Keys)}.");
                    continue;
                }

                if (Read(property, property.Property.GetValue(clone), member.Value, key, out var value))
                {
                    property.Property.SetValue(clone, value);
                }
            }

            return clone;
        }

        private bool Read(SettingProperty property, object? current, JsonElement json, string key, out object? value)
        {
            value = null;
            if (json.ValueKind == JsonValueKind.Null)
            {
                if (property.Nullable)
                {
                    return true;
                }

                return Problem(key, json, $"must not be null: expected {Expected(property)}");
            }

            switch (property.Kind)
            {
                case SettingKind.Text when json.ValueKind == JsonValueKind.String:
                    value = json.GetString();
                    return true;
                case SettingKind.Boolean when json.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    value = json.GetBoolean();
                    return true;
                case SettingKind.WholeNumber when json.ValueKind == JsonValueKind.Number && json.TryGetInt64(out var whole):
                    if (property.ValueType == typeof(int) && whole is < int.MinValue or > int.MaxValue)
                    {
                        return Problem(key, json, "expected a whole number of at most 2147483647");
                    }

                    value = property.ValueType == typeof(int) ? (object)(int)whole : whole;
                    return true;
                case SettingKind.Number when json.ValueKind == JsonValueKind.Number:
                    value = json.GetDouble();
                    return true;
                case SettingKind.Enum when json.ValueKind == JsonValueKind.String:
                    var names = Enum.GetNames(property.ValueType);
                    if (!names.Contains(json.GetString(), StringComparer.Ordinal))
                    {
                        return Problem(key, json, $"valid choices are {string.Join(", ", names)}");
                    }

                    value = Enum.Parse(property.ValueType, json.GetString()!);
                    return true;
                case SettingKind.StringList when json.ValueKind == JsonValueKind.Array:
                    var items = new List<string>();
                    foreach (var item in json.EnumerateArray())
                    {
                        if (item.ValueKind != JsonValueKind.String)
                        {
                            return Problem(key, item, "expected a list of strings; this item is not a string");
                        }

                        items.Add(item.GetString()!);
                    }

                    value = items;
                    return true;
                case SettingKind.StringMap when json.ValueKind == JsonValueKind.Object:
                    var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
                    foreach (var pair in json.EnumerateObject())
                    {
                        if (pair.Value.ValueKind != JsonValueKind.String)
                        {
                            return Problem($"{key}.{pair.Name}", pair.Value, "expected a string");
                        }

                        pairs[pair.Name] = pair.Value.GetString()!;
                    }

                    value = pairs;
                    return true;
                case SettingKind.RecordMap when json.ValueKind == JsonValueKind.Object:
                    var map = (System.Collections.IDictionary)Activator.CreateInstance(
                        typeof(Dictionary<,>).MakeGenericType(typeof(string), property.ValueType))!;
                    foreach (var entry in json.EnumerateObject())
                    {
                        map[entry.Name] = Merge(Activator.CreateInstance(property.ValueType)!, entry.Value, $"{key}.{entry.Name}");
                    }

                    value = map;
                    return true;
                case SettingKind.Record:
                    value = Merge(current ?? Activator.CreateInstance(property.ValueType)!, json, key);
                    return true;
                default:
                    return Problem(key, json, $"expected {Expected(property)}");
            }
        }

        private static string Expected(SettingProperty property) => property.Kind switch
        {
            SettingKind.Text => "a string",
            SettingKind.Boolean => "true or false",
            SettingKind.WholeNumber => "a whole number",
            SettingKind.Number => "a number",
            SettingKind.Enum => "one of " + string.Join(", ", Enum.GetNames(property.ValueType)),
            SettingKind.StringList => "a list of strings",
            SettingKind.StringMap => "an object of strings",
            SettingKind.RecordMap => "an object of objects",
            _ => "an object",
        } + (property.Nullable ? " (or null)" : string.Empty);

        private bool Problem(string key, JsonElement json, string rule)
        {
            var text = json.GetRawText();
            problems.Add(
                string.Create(CultureInfo.InvariantCulture, $"'{key}' = {(text.Length > 80 ? text[..77] + "..." : text)}: {rule}."));
            return false;
        }
    }
}
