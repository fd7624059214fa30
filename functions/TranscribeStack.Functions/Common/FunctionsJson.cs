using System.Text.Json;
using System.Text.Json.Serialization;
using TranscribeStack.Contracts;
using TranscribeStack.Functions.JobPlanning;
using TranscribeStack.Functions.PostProcessing;

namespace TranscribeStack.Functions;

/// <summary>Source-generated JSON for every handler input and output (no reflection at run time).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(PlannerRequest))]
[JsonSerializable(typeof(JobPlan))]
[JsonSerializable(typeof(SkippedUpload))]
[JsonSerializable(typeof(NamedExecution))]
[JsonSerializable(typeof(PostProcessRequest))]
[JsonSerializable(typeof(PostProcessResult))]
internal sealed partial class FunctionsJson : JsonSerializerContext
{
    /// <summary>Reads a handler's input, mapping JSON errors to <see cref="InvalidJobRequestException"/>.</summary>
    public static async Task<T> ReadAsync<T>(Stream input, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(input, type).ConfigureAwait(false)
                ?? throw new InvalidJobRequestException($"The input is null; expected a {typeof(T).Name}.");
        }
        catch (JsonException e)
        {
            throw new InvalidJobRequestException($"The input is not a valid {typeof(T).Name}: {e.Message}");
        }
    }

    public static Stream Write<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        var output = new MemoryStream();
        JsonSerializer.Serialize(output, value, type);
        output.Position = 0;
        return output;
    }
}
