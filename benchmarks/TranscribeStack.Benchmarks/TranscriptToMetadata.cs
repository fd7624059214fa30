using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using TranscribeStack.Functions.PostProcessing;

namespace TranscribeStack.Benchmarks;

/// <summary>Transcript to metadata: the streaming analyzer against the load-everything baseline.</summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class TranscriptToMetadata
{
    private byte[] transcript = [];
    private readonly TranscriptAnalyzer analyzer = new(0.5, long.MaxValue);

    [Params(1, 60, 240)]
    public int Minutes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        transcript = GeneratedTranscript.Create(Minutes);
        // Both must agree before either is timed.
        var streamed = analyzer.AnalyzeAsync(new MemoryStream(transcript)).GetAwaiter().GetResult();
        var naive = NaiveAnalyzer.Analyze(new MemoryStream(transcript), 0.5);
        if (streamed.WordCount != naive.Words || streamed.LowConfidenceWordCount != naive.Low || streamed.SpeakerCount != naive.Speakers)
        {
            throw new InvalidOperationException($"Analyzers disagree: {streamed} vs {naive}");
        }

        ThroughputConfig.Sizes[Minutes] = transcript.Length;
    }

    [Benchmark(Baseline = true, Description = "JsonDocument (load all)")]
    public int LoadEverything() => NaiveAnalyzer.Analyze(new MemoryStream(transcript, writable: false), 0.5).Words;

    [Benchmark(Description = "Streaming analyzer")]
    public int Streaming() => analyzer.AnalyzeAsync(new MemoryStream(transcript, writable: false)).GetAwaiter().GetResult().WordCount;

    /// <summary>A short job (the machine has 2 cores) and columns for the transcript size and MB/s.</summary>
    public sealed class ThroughputConfig : ManualConfig
    {
        public static readonly Dictionary<int, int> Sizes = new()
        {
            [1] = GeneratedTranscript.Create(1).Length,
            [60] = GeneratedTranscript.Create(60).Length,
            [240] = GeneratedTranscript.Create(240).Length,
        };

        public ThroughputConfig()
        {
            AddJob(Job.ShortRun.WithWarmupCount(2).WithIterationCount(5));
            AddColumn(new SizeColumn(), new ThroughputColumn());
        }
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
            (ThroughputConfig.Sizes[MinutesOf(benchmarkCase)] / 1_000_000.0).ToString("F2", System.Globalization.CultureInfo.InvariantCulture);
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
            return (ThroughputConfig.Sizes[MinutesOf(benchmarkCase)] / 1_000_000.0 / seconds).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
        }

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public bool IsAvailable(Summary summary) => true;
    }
}
