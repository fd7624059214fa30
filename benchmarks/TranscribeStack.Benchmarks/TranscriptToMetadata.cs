using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using TranscribeStack.Functions.PostProcessing;

namespace TranscribeStack.Benchmarks;

/// <summary>
/// Transcript to metadata: the streaming analyzer the post-processor uses against a baseline that
/// loads the whole document with JsonDocument and computes the same figures.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class TranscriptToMetadata
{
    private const double LowConfidence = 0.5;
    private readonly TranscriptAnalyzer analyzer = new(LowConfidence, long.MaxValue);
    private byte[] transcript = [];

    /// <summary>Minutes of speech in the generated transcript.</summary>
    [Params(1, 60, 240)]
    public int Minutes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        transcript = GeneratedTranscript.Create(Minutes);

        // Both must compute the same figures before either is timed.
        var streamed = analyzer.AnalyzeAsync(new MemoryStream(transcript)).GetAwaiter().GetResult();
        var naive = NaiveAnalyzer.AnalyzeAsync(new MemoryStream(transcript), LowConfidence).GetAwaiter().GetResult();
        if (Describe(streamed) != Describe(naive) || streamed.WordCount < Minutes * 150)
        {
            throw new InvalidOperationException($"The analyzers disagree:\n{Describe(streamed)}\n{Describe(naive)}");
        }
    }

    [Benchmark(Baseline = true, Description = "JsonDocument (load all)")]
    public async Task<int> LoadEverything()
        => (await NaiveAnalyzer.AnalyzeAsync(new MemoryStream(transcript, writable: false), LowConfidence)).WordCount;

    [Benchmark(Description = "Streaming analyzer")]
    public async Task<int> Streaming() => (await analyzer.AnalyzeAsync(new MemoryStream(transcript, writable: false))).WordCount;

    /// <summary>Every figure, maps in key order (records compare maps by reference).</summary>
    private static string Describe(TranscriptMetadata m) =>
        $"{m with { SpeakerTalkSeconds = Empty<double>(), LanguageSeconds = Empty<double>(), PiiRedactionsByType = Empty<int>() }}"
        + $" talk: {Sorted(m.SpeakerTalkSeconds)} languages: {Sorted(m.LanguageSeconds)} pii: {Sorted(m.PiiRedactionsByType)}";

    private static Dictionary<string, T> Empty<T>() => [];

    private static string Sorted<T>(IReadOnlyDictionary<string, T> map) =>
        string.Join(", ", map.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}"));

    /// <summary>A short job (the machine has 2 cores) and columns for the transcript size and MB/s.</summary>
    public sealed class ThroughputConfig : ManualConfig
    {
        private static readonly ConcurrentDictionary<int, int> Sizes = new();

        public ThroughputConfig()
        {
            AddJob(Job.ShortRun.WithWarmupCount(2).WithIterationCount(5));
            AddColumn(new SizeColumn(), new ThroughputColumn());
        }

        public static int SizeOf(int minutes) => Sizes.GetOrAdd(minutes, m => GeneratedTranscript.Create(m).Length);
    }

    private static int MinutesOf(BenchmarkCase benchmark) => (int)benchmark.Parameters["Minutes"];

    private sealed class SizeColumn : IColumn
    {
        public string Id => "TranscriptMB";
        public string ColumnName => "Transcript (MB)";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Size of the generated transcript";
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
            (ThroughputConfig.SizeOf(MinutesOf(benchmarkCase)) / 1_000_000.0).ToString("F2",
                System.Globalization.CultureInfo.InvariantCulture);
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public bool IsAvailable(Summary summary) => true;
    }

    private sealed class ThroughputColumn : IColumn
    {
        public string Id => "Throughput";
        public string ColumnName => "MB/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 1;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Transcript megabytes (10^6) analysed per second (size / mean)";
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            var report = summary[benchmarkCase];
            if (report?.ResultStatistics is not { } statistics)
            {
                return "-";
            }

            var seconds = statistics.Mean / 1e9;
            return (ThroughputConfig.SizeOf(MinutesOf(benchmarkCase)) / 1_000_000.0 / seconds).ToString("F1",
                System.Globalization.CultureInfo.InvariantCulture);
        }

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public bool IsAvailable(Summary summary) => true;
    }
}
