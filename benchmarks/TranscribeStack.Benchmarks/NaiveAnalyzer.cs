using System.Globalization;
using System.Text.Json;
using TranscribeStack.Functions.PostProcessing;

namespace TranscribeStack.Benchmarks;

/// <summary>
/// The baseline: load the whole document (JsonDocument), then walk it for the same figures as
/// <see cref="TranscriptAnalyzer"/>, reading values as strings the straightforward way.
/// </summary>
public static class NaiveAnalyzer
{
    public static async Task<TranscriptMetadata> AnalyzeAsync(Stream transcript, double lowThreshold)
    {
        var bytes = transcript.Length;
        using var document = await JsonDocument.ParseAsync(transcript);
        var root = document.RootElement;
        var results = root.GetProperty("results");
        var redactedTranscript = root.TryGetProperty("isRedacted", out var isRedacted) && isRedacted.ValueKind == JsonValueKind.True;
        var redactedItems = 0;
        var redactionsByType = new Dictionary<string, int>(StringComparer.Ordinal);
        double duration = 0, sum = 0, min = double.MaxValue;
        int words = 0, scored = 0, low = 0;
        var speakers = new List<string>();
        var itemTalk = new Dictionary<string, double>(StringComparer.Ordinal);
        var channels = new HashSet<string>(StringComparer.Ordinal);

        foreach (var item in results.GetProperty("items").EnumerateArray())
        {
            var end = Time(item, "end_time");
            duration = Math.Max(duration, end ?? 0);
            var speaker = item.TryGetProperty("speaker_label", out var label) ? label.GetString()! : null;
            if (speaker is not null && !speakers.Contains(speaker))
            {
                speakers.Add(speaker);
            }

            if (item.TryGetProperty("channel_label", out var channel))
            {
                channels.Add(channel.GetString()!);
            }

            var alternative = item.GetProperty("alternatives")[0];
            var hasRedactions = alternative.TryGetProperty("redactions", out var redactions) && redactions.GetArrayLength() > 0;
            var isPii = alternative.GetProperty("content").GetString() == "[PII]" || hasRedactions;
            redactedItems += isPii ? 1 : 0;
            if (hasRedactions)
            {
                foreach (var redaction in redactions.EnumerateArray())
                {
                    if (redaction.TryGetProperty("type", out var type))
                    {
                        redactionsByType[type.GetString()!] = redactionsByType.GetValueOrDefault(type.GetString()!) + 1;
                    }
                }
            }

            if (item.GetProperty("type").GetString() != "pronunciation")
            {
                continue;
            }

            words++;
            var start = Time(item, "start_time");
            if (speaker is not null && start is not null && end is not null)
            {
                itemTalk[speaker] = itemTalk.GetValueOrDefault(speaker) + (end.Value - start.Value);
            }

            if (isPii)
            {
                continue;
            }

            var confidence = double.Parse(alternative.GetProperty("confidence").GetString()!, CultureInfo.InvariantCulture);
            scored++;
            sum += confidence;
            min = Math.Min(min, confidence);
            if (confidence < lowThreshold)
            {
                low++;
            }
        }

        var declaredSpeakers = 0;
        Dictionary<string, double>? segmentTalk = null;
        if (results.TryGetProperty("speaker_labels", out var speakerLabels))
        {
            declaredSpeakers = speakerLabels.TryGetProperty("speakers", out var count) ? count.GetInt32() : 0;
            if (speakerLabels.TryGetProperty("segments", out var segments))
            {
                segmentTalk = new Dictionary<string, double>(StringComparer.Ordinal);
                foreach (var segment in segments.EnumerateArray())
                {
                    var speaker = segment.GetProperty("speaker_label").GetString()!;
                    if (!speakers.Contains(speaker))
                    {
                        speakers.Add(speaker);
                    }

                    var start = Time(segment, "start_time")!.Value;
                    var end = Time(segment, "end_time")!.Value;
                    duration = Math.Max(duration, end);
                    segmentTalk[speaker] = segmentTalk.GetValueOrDefault(speaker) + (end - start);
                }
            }
        }

        var declaredChannels = results.TryGetProperty("channel_labels", out var channelLabels)
            && channelLabels.TryGetProperty("number_of_channels", out var n) ? n.GetInt32() : 0;
        string? identified = null;
        var identifiedScore = double.MinValue;
        if (results.TryGetProperty("language_identification", out var languages))
        {
            foreach (var language in languages.EnumerateArray())
            {
                var score = double.Parse(language.GetProperty("score").GetString()!, CultureInfo.InvariantCulture);
                if (score > identifiedScore)
                {
                    identified = language.GetProperty("code").GetString();
                    identifiedScore = score;
                }
            }
        }

        var talk = segmentTalk ?? itemTalk;
        return new TranscriptMetadata
        {
            LanguageCode = results.TryGetProperty("language_code", out var code) ? code.GetString() : identified,
            IdentifiedLanguage = identified,
            IdentifiedLanguageScore = identified is null ? null : identifiedScore,
            DurationSeconds = Math.Round(duration, 3),
            WordCount = words,
            AverageConfidence = scored == 0 ? null : Math.Round(sum / scored, 4),
            MinConfidence = scored == 0 ? null : min,
            LowConfidenceWordCount = low,
            SpeakerCount = Math.Max(declaredSpeakers, speakers.Count) is > 0 and var s ? s : null,
            SpeakerTalkSeconds = speakers.ToDictionary(l => l, l => Math.Round(talk.GetValueOrDefault(l), 3), StringComparer.Ordinal),
            ChannelCount = Math.Max(declaredChannels, channels.Count) is > 0 and var c ? c : null,
            RedactedTranscript = redactedTranscript,
            PiiRedactedItemCount = redactedItems,
            PiiRedactionsByType = redactionsByType,
            TranscriptBytes = bytes,
        };
    }

    private static double? Time(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? double.Parse(value.GetString()!, CultureInfo.InvariantCulture) : null;
}
