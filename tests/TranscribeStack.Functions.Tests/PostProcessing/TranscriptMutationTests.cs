using System.Text;
using System.Text.Json.Nodes;
using TranscribeStack.Functions.PostProcessing;
using Xunit.Abstractions;

namespace TranscribeStack.Functions.Tests.PostProcessing;

/// <summary>
/// Property test: every fixture mutated as damaged transcripts are (truncated, bytes flipped, a key
/// dropped, a value of another type) either fails with one of the four documented errors or gives a
/// correct result: figures within their ranges, the input's size, and the same figures however the
/// bytes arrive. Mutations are deterministic (a fixed seed per fixture), so a failure reproduces.
/// </summary>
public sealed class TranscriptMutationTests(ITestOutputHelper output)
{
    private const int PerKind = 10;

    private static readonly Type[] DocumentedErrors =
    [
        typeof(MalformedTranscriptException), typeof(UnexpectedTranscriptShapeException),
        typeof(TranscriptTooLargeException), typeof(TranscriptNotFoundException),
    ];

    // Bytes a flip writes: invalid UTF-8 (never valid, lone continuation, truncated lead), structure, a digit.
    private static readonly byte[] FlipTo = [0xFF, 0x80, 0xC3, 0xE2, (byte)'"', (byte)'{', (byte)']', (byte)':', (byte)'0', (byte)'\\'];

    private static readonly TranscriptAnalyzer Analyzer = new(lowConfidenceThreshold: 0.5, maxBytes: 1024 * 1024, toxicityThreshold: 0.5);

    public static IEnumerable<(string Name, byte[] Bytes)> Mutations()
    {
        foreach (var fixture in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures"), "*.json")
            .Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(fixture);
            var bytes = File.ReadAllBytes(fixture);
            var random = new Random(Seed(name));
            for (var i = 1; i <= PerKind; i++)
            {
                var at = Math.Max(1, bytes.Length * i / (PerKind + 1) + random.Next(-3, 4));
                yield return ($"{name} truncated at {at}", bytes[..Math.Min(at, bytes.Length - 1)]);
            }

            for (var i = 0; i < PerKind; i++)
            {
                var at = random.Next(bytes.Length);
                var flipped = (byte[])bytes.Clone();
                flipped[at] = FlipTo[i % FlipTo.Length];
                yield return ($"{name} byte {at} set to 0x{flipped[at]:X2}", flipped);
            }

            var paths = Paths(JsonNode.Parse(bytes)!, "$").ToList();
            foreach (var path in Pick(paths.Where(p => p.IsProperty).ToList(), random))
            {
                var document = JsonNode.Parse(bytes)!;
                var (parent, key) = Locate(document, path.Path);
                parent!.AsObject().Remove(key);
                yield return ($"{name} without {path.Path}", Encoding.UTF8.GetBytes(document.ToJsonString()));
            }

            foreach (var path in Pick(paths, random))
            {
                var document = JsonNode.Parse(bytes)!;
                var (parent, key) = Locate(document, path.Path);
                var current = parent is JsonObject o
                    ? o[key]
                    : parent!.AsArray()[int.Parse(key, System.Globalization.CultureInfo.InvariantCulture)];
                JsonNode? other = current switch
                {
                    JsonObject => new JsonArray(),
                    JsonArray => new JsonObject(),
                    JsonValue v when v.TryGetValue<string>(out _) => JsonValue.Create(7),
                    JsonValue v when v.TryGetValue<bool>(out _) => JsonValue.Create("true"),
                    null => new JsonObject(),
                    _ => JsonValue.Create("seven"),
                };
                if (parent is JsonObject obj)
                {
                    obj[key] = other;
                }
                else
                {
                    parent!.AsArray()[int.Parse(key, System.Globalization.CultureInfo.InvariantCulture)] = other;
                }

                yield return ($"{name} {path.Path} as {other?.GetValueKind().ToString() ?? "null"}",
                    Encoding.UTF8.GetBytes(document.ToJsonString()));
            }
        }
    }

    [Fact]
    public async Task Mutations_OfEveryFixture_FailWithADocumentedErrorOrGiveACorrectResult()
    {
        var failures = new List<string>();
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var count = 0;
        foreach (var (name, bytes) in Mutations())
        {
            count++;
            string outcome;
            try
            {
                var result = await Analyzer.AnalyzeAsync(new MemoryStream(bytes));
                var trickled = await Analyzer.AnalyzeAsync(new Fixture.Trickle(bytes, 7));
                var problems = Problems(result, bytes.Length).ToList();
                if (Fixture.Describe(result) != Fixture.Describe(trickled))
                {
                    problems.Add("a different result when read 7 bytes at a time");
                }

                failures.AddRange(problems.Select(p => $"{name}: {p}"));
                outcome = "result";
            }
            catch (Exception e) when (DocumentedErrors.Contains(e.GetType()))
            {
                outcome = e.GetType().Name;
            }
            catch (Exception e)
            {
                failures.Add($"{name}: undocumented {e.GetType().Name}: {e.Message}");
                outcome = "undocumented " + e.GetType().Name;
            }

            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        output.WriteLine($"{count} mutated transcripts: " +
            $"{string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value}"))}");
        Assert.True(count >= 267, $"only {count} mutations");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>What a correct result holds, whatever the input was.</summary>
    private static IEnumerable<string> Problems(TranscriptMetadata m, int length)
    {
        if (m.TranscriptBytes != length)
        {
            yield return $"TranscriptBytes {m.TranscriptBytes}, not the input's {length}";
        }

        if (m.WordCount < 0 || m.LowConfidenceWordCount < 0 || m.LowConfidenceWordCount > m.WordCount)
        {
            yield return $"words {m.WordCount}, low-confidence words {m.LowConfidenceWordCount}";
        }

        if (!double.IsFinite(m.DurationSeconds) || m.DurationSeconds < 0)
        {
            yield return $"duration {m.DurationSeconds}";
        }

        if (m.AverageConfidence is < 0 or > 1 || m.MinConfidence is < 0 or > 1
            || (m.MinConfidence is { } min && m.AverageConfidence is { } average && min > average + 1e-9))
        {
            yield return $"confidence {m.MinConfidence}..{m.AverageConfidence}";
        }

        if (m.SpeakerTalkSeconds.Values.Concat(m.LanguageSeconds.Values).Any(v => !double.IsFinite(v))
            || m.LanguageSeconds.Values.Any(v => v < 0))
        {
            yield return "a talk or language time that is not a finite duration";
        }

        if (m.PiiRedactedItemCount < 0 || m.PiiRedactionsByType.Values.Any(v => v <= 0))
        {
            yield return $"redaction counts {m.PiiRedactedItemCount}";
        }

        if (m.Toxicity is { } t
            && (t.ToxicSegmentCount > t.SegmentCount || t.MaxToxicity is < 0 or > 1 || t.MaxByCategory.Values.Any(v => v is < 0 or > 1)))
        {
            yield return $"toxicity {t}";
        }
    }

    private static int Seed(string name) => name.Aggregate(17, (hash, c) => unchecked((hash * 31) + c));

    private static IEnumerable<T> Pick<T>(List<T> items, Random random) =>
        items.Count <= PerKind ? items : Enumerable.Range(0, PerKind).Select(_ => items[random.Next(items.Count)]);

    private sealed record JsonPath(string Path, bool IsProperty);

    /// <summary>Every member and array entry of the document, as $.a.b[2].c paths.</summary>
    private static IEnumerable<JsonPath> Paths(JsonNode node, string path)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    var child = $"{path}.{key}";
                    yield return new JsonPath(child, true);
                    if (value is not null)
                    {
                        foreach (var p in Paths(value, child))
                        {
                            yield return p;
                        }
                    }
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    var child = $"{path}[{i}]";
                    yield return new JsonPath(child, false);
                    if (a[i] is { } value)
                    {
                        foreach (var p in Paths(value, child))
                        {
                            yield return p;
                        }
                    }
                }

                break;
        }
    }

    /// <summary>The parent container of a path and the last key (a member name or an index).</summary>
    private static (JsonNode? Parent, string Key) Locate(JsonNode root, string path)
    {
        var steps = System.Text.RegularExpressions.Regex.Matches(path[1..], @"\.([^.\[]+)|\[(\d+)\]")
            .Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value).ToList();
        JsonNode? node = root;
        foreach (var step in steps[..^1])
        {
            node = node is JsonObject o ? o[step] : node!.AsArray()[int.Parse(step, System.Globalization.CultureInfo.InvariantCulture)];
        }

        return (node, steps[^1]);
    }
}
