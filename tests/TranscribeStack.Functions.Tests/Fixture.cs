using System.Text;
using TranscribeStack.Contracts;
using TranscribeStack.Functions.JobPlanning;

namespace TranscribeStack.Functions.Tests;

internal static class Fixture
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path(name));

    public static Stream Stream(string name) => new MemoryStream(Bytes(name));

    /// <summary>The dev environment's pacing: 10 s to 300 s between polls, given up after 10 h, half real time.</summary>
    public static PollPacing Pacing { get; } = new(60, 240, 36_000, 0.5);

    public static Stream Text(string json) => new MemoryStream(Encoding.UTF8.GetBytes(json));

    /// <summary>Every figure of an analysis as JSON: records compare their maps by reference, this by content.</summary>
    public static string Describe(TranscribeStack.Functions.PostProcessing.TranscriptMetadata metadata) =>
        System.Text.Json.JsonSerializer.Serialize(metadata);

    /// <summary>Delivers a stream a few bytes at a time, as a slow network would, to exercise buffer refills.</summary>
    public sealed class Trickle(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
