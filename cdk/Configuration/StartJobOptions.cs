using System.Collections;
using System.Reflection;
using System.Text.Json.Nodes;

namespace TranscribeStack.Cdk.Configuration;

/// <summary>One setting of <see cref="TranscribeSettings"/> that is sent as a member of the StartTranscriptionJob request.</summary>
public sealed record StartJobOption(SettingProperty Setting, StartJobParameterAttribute Parameter)
{
    public string Path => Parameter.Path;

    /// <summary>The valid values (of a list: its items; of a map: its keys), when the setting names them.</summary>
    public IReadOnlyList<string>? Choices => Setting.Choices;

    public SettingRangeAttribute? Range => Setting.Range;

    /// <summary>
    /// The member this one is always sent with (the path of its <see cref="StartJobParameterAttribute.When"/> setting),
    /// when this one is a value that is never left out: Transcribe refuses one without the other.
    /// </summary>
    public string? SentWith =>
        Parameter.When is { } when && Setting.Kind is SettingKind.WholeNumber or SettingKind.Text && !Setting.Nullable
            ? StartJobOptions.All.SingleOrDefault(o => o.Setting.Property.Name == when)?.Path
            : null;

    /// <summary>What the request carries for the settings, or null when the member is left out.</summary>
    public object? ValueIn(TranscribeSettings settings)
    {
        if (Parameter.When is { } when && !(bool)typeof(TranscribeSettings).GetProperty(when)!.GetValue(settings)!)
        {
            return null;
        }

        return Setting.Property.GetValue(settings) switch
        {
            bool on => on ? (Parameter.Json is { } json ? Plain(JsonNode.Parse(json)) : true) : null,
            IReadOnlyList<string> list => list.Count > 0 ? list.ToArray() : null,
            IReadOnlyDictionary<string, string> map => map.Count > 0 ? map.ToDictionary(p => p.Key, p => (object)p.Value) : null,
            IDictionary records => records.Count > 0 ? Records(records) : null,
            var value => value,
        };
    }

    /// <summary>A map of settings records as the request's map of objects: each record's set members under their own names.</summary>
    private static Dictionary<string, object> Records(IDictionary records)
    {
        var result = new Dictionary<string, object>();
        foreach (DictionaryEntry entry in records)
        {
            result[(string)entry.Key] = SettingsShape.PropertiesOf(entry.Value!.GetType())
                .Select(p => (p.Property.Name, Value: p.Property.GetValue(entry.Value)))
                .Where(p => p.Value is not null)
                .ToDictionary(p => p.Name, p => p.Value!);
        }

        return result;
    }

    private static object? Plain(JsonNode? node) => node switch
    {
        JsonObject o => o.ToDictionary(p => p.Key, p => Plain(p.Value)!),
        JsonArray a => a.Select(Plain).ToArray(),
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v => v.GetValue<int>(),
        _ => null,
    };
}

/// <summary>
/// The Transcribe settings sent as members of the StartTranscriptionJob request, read from their
/// <see cref="StartJobParameterAttribute"/>: the workflow renders them, and the test kit's stand-in checks them
/// through contracts/transcribe-facts.json.
/// </summary>
public static class StartJobOptions
{
    /// <summary>Every option, in the order of <see cref="TranscribeSettings"/>'s properties (the request's member order).</summary>
    public static IReadOnlyList<StartJobOption> All { get; } = [.. SettingsShape.PropertiesOf(typeof(TranscribeSettings))
        .Select(p => (Setting: p, Parameter: p.Property.GetCustomAttribute<StartJobParameterAttribute>()))
        .Where(p => p.Parameter is not null)
        .Select(p => new StartJobOption(p.Setting, p.Parameter!))];

    /// <summary>Adds every option the settings send to the request, creating the objects on their paths.</summary>
    public static void Render(TranscribeSettings settings, IDictionary<string, object> request)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(request);
        foreach (var option in All)
        {
            if (option.ValueIn(settings) is not { } value)
            {
                continue;
            }

            var path = option.Path.Split('.');
            var target = request;
            foreach (var member in path[..^1])
            {
                if (!target.TryGetValue(member, out var inner))
                {
                    inner = new Dictionary<string, object>();
                    target[member] = inner;
                }

                target = (IDictionary<string, object>)inner;
            }

            target[path[^1]] = value;
        }
    }
}
