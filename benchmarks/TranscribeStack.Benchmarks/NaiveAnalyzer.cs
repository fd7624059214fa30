using System.Globalization;
using System.Text.Json;

namespace TranscribeStack.Benchmarks;

/// <summary>The baseline: load the whole document (JsonDocument), then walk it for the same figures.</summary>
public static class NaiveAnalyzer
{
    public static (int Words, double Average, double Min, int Low, double Duration, int Speakers) Analyze(Stream transcript, double lowThreshold)
    {
        using var document = JsonDocument.Parse(transcript);
        var results = document.RootElement.GetProperty("results");
        int words = 0, low = 0;
        double sum = 0, min = double.MaxValue, duration = 0;
        foreach (var item in results.GetProperty("items").EnumerateArray())
        {
            if (item.TryGetProperty("end_time", out var end))
            {
                duration = Math.Max(duration, double.Parse(end.GetString()!, CultureInfo.InvariantCulture));
            }

            if (item.GetProperty("type").GetString() != "pronunciation")
            {
                continue;
            }

            var confidence = double.Parse(item.GetProperty("alternatives")[0].GetProperty("confidence").GetString()!, CultureInfo.InvariantCulture);
            words++;
            sum += confidence;
            min = Math.Min(min, confidence);
            if (confidence < lowThreshold)
            {
                low++;
            }
        }

        var speakers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var segment in results.GetProperty("speaker_labels").GetProperty("segments").EnumerateArray())
        {
            speakers.Add(segment.GetProperty("speaker_label").GetString()!);
        }

        return (words, sum / words, min, low, duration, speakers.Count);
    }
}
