using System.Globalization;

namespace TranscribeStack.Functions.PostProcessing;

/// <summary>What the state machine passes when a job has COMPLETED, with the job as GetTranscriptionJob described it.</summary>
public sealed record PostProcessRequest(
    string? JobName,
    string? MediaUri,
    string? TranscriptBucket,
    string? TranscriptKey,
    string? ExecutionArn,
    string? JobCompletedAt,
    TranscriptionJobDescription? TranscriptionJob = null);

/// <summary>The small answer returned to the state machine (the figures live in the table).</summary>
public sealed record PostProcessResult(string JobName, string Status, string Outcome, int WordCount, double DurationSeconds);

/// <summary>One COMPLETED job, as it is recorded.</summary>
public sealed record CompletedJob(
    string JobName,
    string MediaUri,
    string TranscriptUri,
    string ExecutionArn,
    DateTimeOffset CompletedAt,
    DateTimeOffset RecordedAt,
    TranscriptMetadata Metadata,
    JobFacts Facts);

/// <summary>Opens a transcript for reading, with its size when known.</summary>
public interface ITranscriptSource
{
    /// <exception cref="TranscriptNotFoundException">The object does not exist.</exception>
    Task<(Stream Content, long? Length)> OpenAsync(string bucket, string key, CancellationToken cancellationToken);
}

/// <summary>Records a job's metadata item.</summary>
public interface IJobMetadataStore
{
    /// <summary>Writes the COMPLETED item; false when the job was already recorded as COMPLETED.</summary>
    Task<bool> RecordCompletedAsync(CompletedJob job, CancellationToken cancellationToken);
}

/// <summary>
/// Reads the transcript of a finished job and records its metadata. The whole transcript is read
/// and validated before anything is written, so bad input never leaves a partial item. A job recorded
/// here for the first time is reported to <paramref name="metrics"/> (its audio minutes); one found
/// already recorded is not, so duplicates and retries do not count a job twice.
/// </summary>
public sealed class PostProcessor(ITranscriptSource transcripts, IJobMetadataStore store, TranscriptAnalyzer analyzer, long maxBytes,
    TimeProvider clock, IJobMetrics? metrics = null)
{
    private readonly IJobMetrics metrics = metrics ?? NoJobMetrics.Instance;

    public async Task<PostProcessResult> ProcessAsync(PostProcessRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var jobName = Required(request.JobName, "jobName");
        var mediaUri = Required(request.MediaUri, "mediaUri");
        var bucket = Required(request.TranscriptBucket, "transcriptBucket");
        var key = Required(request.TranscriptKey, "transcriptKey");
        var executionArn = Required(request.ExecutionArn, "executionArn");
        var now = clock.GetUtcNow();
        DateTimeOffset completedAt = now;
        if (request.JobCompletedAt is { Length: > 0 } completed
            && !DateTimeOffset.TryParse(completed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out completedAt))
        {
            throw new InvalidJobRequestException($"jobCompletedAt '{completed}' is not a timestamp.");
        }

        var (content, length) = await transcripts.OpenAsync(bucket, key, cancellationToken).ConfigureAwait(false);
        TranscriptMetadata metadata;
        await using (content.ConfigureAwait(false))
        {
            if (length > maxBytes)
            {
                throw new TranscriptTooLargeException($"s3://{bucket}/{key} is {length} bytes; the limit is {maxBytes} bytes.");
            }

            metadata = await analyzer.AnalyzeAsync(content, cancellationToken).ConfigureAwait(false);
        }

        var job = new CompletedJob(jobName, mediaUri, $"s3://{bucket}/{key}", executionArn, completedAt.ToUniversalTime(), now, metadata,
            JobFacts.From(request.TranscriptionJob, metadata));
        var recorded = await store.RecordCompletedAsync(job, cancellationToken).ConfigureAwait(false);
        if (recorded)
        {
            metrics.Recorded(job);
        }

        return new PostProcessResult(jobName, "COMPLETED", recorded ? "Recorded" : "AlreadyRecorded", metadata.WordCount,
            metadata.DurationSeconds);
    }

    private static string Required(string? value, string name) =>
        string.IsNullOrWhiteSpace(value) ? throw new InvalidJobRequestException($"The request has no '{name}'.") : value;
}
