using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TranscribeStack.Functions.JobPlanning;

/// <summary>
/// The marker of a re-run: a positive number (<c>"rerun": 1</c>, a re-run of one failed upload) or a
/// name (<c>"rerun": "vocab-2026-11"</c>, a re-processing of a prefix). It ends the execution name
/// (<c>-r&lt;marker&gt;</c>), and so the job name (a new job beside the original's final item), so it
/// holds only what CloudWatch Logs wants in an execution name: [0-9A-Za-z_-].
/// </summary>
public static class RerunMarker
{
    /// <summary>The longest marker: with it, an execution name still keeps 29 characters of the file name.</summary>
    public const int MaxLength = 32;

    /// <summary>Null when <paramref name="marker"/> is a valid marker, otherwise why not.</summary>
    public static string? Problem(string marker)
    {
        ArgumentNullException.ThrowIfNull(marker);
        if (marker.Length is 0 or > MaxLength || !marker.All(ExecutionNames.IsAllowed))
        {
            return $"rerun must be a positive number or 1 to {MaxLength} of [0-9A-Za-z_-], not '{marker}'.";
        }

        return null;
    }
}

/// <summary>Reads <c>rerun</c> as a number (a positive integer) or a string; either becomes the marker's text.</summary>
internal sealed class RerunMarkerConverter : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString()!,
        JsonTokenType.Number when reader.TryGetInt32(out var number) && number >= 1 => number.ToString(CultureInfo.InvariantCulture),
        JsonTokenType.Number => throw new InvalidJobRequestException(
            $"rerun must be a positive number or a marker of [0-9A-Za-z_-], not {System.Text.Encoding.UTF8.GetString(reader.ValueSpan)}."),
        _ => throw new InvalidJobRequestException(
            $"rerun must be a positive number or a marker of [0-9A-Za-z_-], not a {reader.TokenType}."),
    };

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value);
    }
}
