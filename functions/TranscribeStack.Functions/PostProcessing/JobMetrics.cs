using System.Text;
using System.Text.Json;
using TranscribeStack.Contracts;

namespace TranscribeStack.Functions.PostProcessing;

/// <summary>Receives the figures of each job the post-processor records.</summary>
public interface IJobMetrics
{
    /// <summary>Called once per job, after its COMPLETED item was written (not when it was already recorded).</summary>
    void Recorded(CompletedJob job);
}

/// <summary>Records nothing: for callers that publish no metrics.</summary>
public sealed class NoJobMetrics : IJobMetrics
{
    public static NoJobMetrics Instance { get; } = new();

    public void Recorded(CompletedJob job)
    {
    }
}

/// <summary>
/// Writes one CloudWatch embedded metric format (EMF) line per recorded job to the function's output:
/// Lambda sends stdout to the function's log group, and CloudWatch Logs extracts the metric from the line
/// (no PutMetricData call, no SDK, no extra permission). Namespace, dimension and names: <see cref="PipelineMetrics"/>.
/// </summary>
public sealed class EmbeddedMetricsWriter(TextWriter output, string environment) : IJobMetrics
{
    private readonly string environment = string.IsNullOrWhiteSpace(environment)
        ? throw new ArgumentException("The metrics' environment dimension must name the environment.", nameof(environment))
        : environment;

    public void Recorded(CompletedJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        // One write of a whole line: CloudWatch Logs reads one log event per line.
        output.Write(AudioMinutesLine(environment, job.JobName, job.Metadata.DurationSeconds, job.RecordedAt) + "\n");
        output.Flush();
    }

    /// <summary>
    /// The EMF document of one job: <c>_aws.Timestamp</c> (milliseconds since the epoch), one metric directive
    /// (namespace, the environment dimension, AudioMinutes with its unit), the dimension's value, the metric's
    /// value, and the job's name as a plain property (searchable in Logs Insights, not a dimension).
    /// </summary>
    public static string AudioMinutesLine(string environment, string jobName, double audioSeconds, DateTimeOffset timestamp)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("_aws");
            json.WriteNumber("Timestamp", timestamp.ToUnixTimeMilliseconds());
            json.WriteStartArray("CloudWatchMetrics");
            json.WriteStartObject();
            json.WriteString("Namespace", PipelineMetrics.Namespace);
            json.WriteStartArray("Dimensions");
            json.WriteStartArray();
            json.WriteStringValue(PipelineMetrics.EnvironmentDimension);
            json.WriteEndArray();
            json.WriteEndArray();
            json.WriteStartArray("Metrics");
            json.WriteStartObject();
            json.WriteString("Name", PipelineMetrics.AudioMinutes);
            json.WriteString("Unit", PipelineMetrics.AudioMinutesUnit);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteString(PipelineMetrics.EnvironmentDimension, environment);
            json.WriteNumber(PipelineMetrics.AudioMinutes, Math.Round(audioSeconds / 60, 4));
            json.WriteString("jobName", jobName);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
