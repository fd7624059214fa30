using System.Globalization;
using System.Text;

namespace TranscribeStack.Benchmarks;

/// <summary>
/// A transcript in Transcribe's output format for a given length of speech: about 170 words a
/// minute, two speakers taking turns, a full stop every 12 words, confidences spread over 0.3-1.0.
/// Deterministic (fixed seed) so every run measures the same bytes.
/// </summary>
public static class GeneratedTranscript
{
    public const int WordsPerMinute = 170;

    private static readonly string[] Vocabulary = ["the", "pipeline", "transcribes", "audio", "for", "our", "customers", "and", "records", "metadata", "quickly", "today"];

    public static byte[] Create(int minutes)
    {
        var random = new Random(42);
        var words = minutes * WordsPerMinute;
        var secondsPerWord = 60.0 / WordsPerMinute;
        var items = new StringBuilder(words * 170);
        var segments = new StringBuilder();
        var text = new StringBuilder(words * 8);
        var t = 0.0;
        var segmentStart = 0.0;
        var speaker = 0;
        for (var i = 0; i < words; i++)
        {
            var word = Vocabulary[random.Next(Vocabulary.Length)];
            var start = t;
            var end = t + (secondsPerWord * 0.85);
            var confidence = 0.3 + (random.NextDouble() * 0.7);
            if (i > 0)
            {
                items.Append(',');
            }

            items.Append(CultureInfo.InvariantCulture, $"{{\"id\":{i},\"start_time\":\"{start:F3}\",\"end_time\":\"{end:F3}\",\"alternatives\":[{{\"confidence\":\"{confidence:F4}\",\"content\":\"{word}\"}}],\"type\":\"pronunciation\",\"speaker_label\":\"spk_{speaker}\"}}");
            text.Append(word).Append(' ');
            t += secondsPerWord;
            if (i % 12 == 11)
            {
                items.Append(CultureInfo.InvariantCulture, $",{{\"id\":{i}.5,\"alternatives\":[{{\"confidence\":\"0.0\",\"content\":\".\"}}],\"type\":\"punctuation\",\"speaker_label\":\"spk_{speaker}\"}}");
            }

            if (i % 60 == 59 || i == words - 1)
            {
                if (segments.Length > 0)
                {
                    segments.Append(',');
                }

                segments.Append(CultureInfo.InvariantCulture, $"{{\"start_time\":\"{segmentStart:F3}\",\"end_time\":\"{end:F3}\",\"speaker_label\":\"spk_{speaker}\",\"items\":[]}}");
                segmentStart = t;
                speaker = 1 - speaker;
            }
        }

        var json = $"{{\"jobName\":\"benchmark-{minutes}m\",\"accountId\":\"123456789012\",\"status\":\"COMPLETED\",\"results\":{{\"language_code\":\"en-US\",\"transcripts\":[{{\"transcript\":\"{text}\"}}],\"speaker_labels\":{{\"speakers\":2,\"segments\":[{segments}]}},\"items\":[{items}]}}}}";
        return Encoding.UTF8.GetBytes(json);
    }
}
