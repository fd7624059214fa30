using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TranscribeStack.Benchmarks;

/// <summary>
/// A transcript in Transcribe's batch output format for a given length of speech: about 170 words a
/// minute, three speakers taking turns of 20-120 words, sentences of 6-20 words with commas and full
/// stops as punctuation items, and every section a speaker-labelled job writes (transcripts, items with
/// speaker labels, speaker_labels.segments with their items, audio_segments). Deterministic (fixed
/// seed), so every run measures the same bytes.
/// </summary>
public static class GeneratedTranscript
{
    public const int WordsPerMinute = 170;

    private static readonly string[] Vocabulary =
    [
        "the", "a", "to", "and", "of", "we", "I", "you", "it's", "that", "is", "in", "for", "on", "this", "with", "I've", "don't",
        "we're", "can", "will", "have", "be", "so", "just", "about", "customer", "order", "account", "payment", "delivery", "number",
        "question", "problem", "today", "tomorrow", "morning", "thanks", "please", "okay", "right", "yes", "no", "maybe", "think",
        "know", "need", "want", "check", "system", "update", "ticket", "support", "team", "meeting", "schedule", "project", "report",
        "quarter", "revenue", "pipeline", "transcription", "recording", "minutes", "follow-up", "email", "address", "invoice", "refund",
        "shipping", "warehouse", "manager", "approval", "deadline", "budget", "forecast", "product", "feature", "release", "bug", "fix",
        "really", "actually", "basically", "probably", "definitely", "everything", "something", "nothing", "because", "although",
    ];

    public static byte[] Create(int minutes)
    {
        var random = new Random(42);
        var words = Words(minutes * WordsPerMinute, random);
        var output = new ArrayBufferWriter<byte>(words.Count * 260);
        using (var json = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("jobName", $"transcribestack-bench-{minutes}m-0123456789abcdef");
            json.WriteString("accountId", "123456789012");
            json.WriteString("status", "COMPLETED");
            json.WriteStartObject("results");
            json.WriteString("language_code", "en-US");
            json.WriteStartArray("transcripts");
            json.WriteStartObject();
            json.WriteString("transcript", Text(words, 0, words.Count));
            json.WriteEndObject();
            json.WriteEndArray();

            var turns = Turns(words);
            json.WriteStartObject("speaker_labels");
            json.WriteNumber("speakers", 3);
            json.WriteStartArray("segments");
            foreach (var (first, last) in turns)
            {
                json.WriteStartObject();
                Times(json, words[first].Start, LastSpoken(words, last).End);
                json.WriteString("speaker_label", words[first].Speaker);
                json.WriteStartArray("items");
                for (var i = first; i <= last; i++)
                {
                    if (!words[i].IsPunctuation)
                    {
                        json.WriteStartObject();
                        json.WriteString("speaker_label", words[i].Speaker);
                        Times(json, words[i].Start, words[i].End);
                        json.WriteEndObject();
                    }
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();

            json.WriteStartArray("items");
            for (var i = 0; i < words.Count; i++)
            {
                var w = words[i];
                json.WriteStartObject();
                json.WriteNumber("id", i);
                json.WriteString("type", w.IsPunctuation ? "punctuation" : "pronunciation");
                json.WriteStartArray("alternatives");
                json.WriteStartObject();
                json.WriteString("confidence", w.Confidence);
                json.WriteString("content", w.Content);
                json.WriteEndObject();
                json.WriteEndArray();
                if (!w.IsPunctuation)
                {
                    Times(json, w.Start, w.End);
                }

                json.WriteString("speaker_label", w.Speaker);
                json.WriteEndObject();
            }

            json.WriteEndArray();

            json.WriteStartArray("audio_segments");
            for (var t = 0; t < turns.Count; t++)
            {
                var (first, last) = turns[t];
                json.WriteStartObject();
                json.WriteNumber("id", t);
                json.WriteString("transcript", Text(words, first, last + 1));
                Times(json, words[first].Start, LastSpoken(words, last).End);
                json.WriteString("speaker_label", words[first].Speaker);
                json.WriteStartArray("items");
                for (var i = first; i <= last; i++)
                {
                    json.WriteNumberValue(i);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return output.WrittenSpan.ToArray();
    }

    private sealed record Word(string Content, bool IsPunctuation, double Start, double End, string Confidence, string Speaker);

    private static List<Word> Words(int count, Random random)
    {
        var words = new List<Word>(count + (count / 8));
        var t = 0.1;
        var speaker = 0;
        var turnLeft = random.Next(20, 121);
        var sentenceLeft = random.Next(6, 21);
        var startOfSentence = true;
        for (var n = 0; n < count; n++)
        {
            var content = Vocabulary[random.Next(Vocabulary.Length)];
            if (startOfSentence)
            {
                content = char.ToUpperInvariant(content[0]) + content[1..];
            }

            // Word 0.17-0.39 s plus a gap of up to 0.1 s: about 0.35 s a word, 170 words a minute.
            var end = t + 0.17 + (random.NextDouble() * 0.22);
            var confidence = random.NextDouble() < 0.6 ? "0.999"
                : (0.3 + (random.NextDouble() * 0.7)).ToString("0.0###", CultureInfo.InvariantCulture);
            words.Add(new Word(content, false, t, end, confidence, $"spk_{speaker}"));
            t = end + (random.NextDouble() * 0.1);
            startOfSentence = false;

            sentenceLeft--;
            turnLeft--;
            if (sentenceLeft == 0 || turnLeft <= 0 || n == count - 1)
            {
                words.Add(new Word(random.NextDouble() < 0.15 ? "?" : ".", true, 0, 0, "0.0", $"spk_{speaker}"));
                sentenceLeft = random.Next(6, 21);
                startOfSentence = true;
            }
            else if (random.NextDouble() < 0.06)
            {
                words.Add(new Word(",", true, 0, 0, "0.0", $"spk_{speaker}"));
            }

            if (turnLeft <= 0)
            {
                speaker = (speaker + 1 + random.Next(2)) % 3;
                turnLeft = random.Next(20, 121);
                t += 0.4;
            }
        }

        return words;
    }

    /// <summary>Turns as (first, last) word indexes: a turn ends at its speaker's last punctuation.</summary>
    private static List<(int First, int Last)> Turns(List<Word> words)
    {
        var turns = new List<(int, int)>();
        var first = 0;
        for (var i = 1; i <= words.Count; i++)
        {
            if (i == words.Count || words[i].Speaker != words[first].Speaker)
            {
                turns.Add((first, i - 1));
                first = i;
            }
        }

        return turns;
    }

    private static Word LastSpoken(List<Word> words, int last)
    {
        while (words[last].IsPunctuation)
        {
            last--;
        }

        return words[last];
    }

    private static string Text(List<Word> words, int from, int to)
    {
        var text = new StringBuilder((to - from) * 8);
        for (var i = from; i < to; i++)
        {
            if (text.Length > 0 && !words[i].IsPunctuation)
            {
                text.Append(' ');
            }

            text.Append(words[i].Content);
        }

        return text.ToString();
    }

    private static void Times(Utf8JsonWriter json, double start, double end)
    {
        json.WriteString("start_time", start.ToString("0.0##", CultureInfo.InvariantCulture));
        json.WriteString("end_time", end.ToString("0.0##", CultureInfo.InvariantCulture));
    }
}
