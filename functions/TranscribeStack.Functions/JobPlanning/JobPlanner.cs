using System.Security.Cryptography;
using System.Text;
using TranscribeStack.Contracts;

namespace TranscribeStack.Functions.JobPlanning;

/// <summary>The upload an execution was started for (from the EventBridge "Object Created" event), and its re-run marker if any.</summary>
public sealed record Upload(string Bucket, string Key, string? VersionId, string? ETag, long SizeBytes, string? Rerun = null);

/// <summary>
/// Derives the Transcribe job of an execution from its upload: the job is named after the execution
/// (<see cref="JobNames"/>), and the execution after the object (bucket, key, version: <see cref="ExecutionNames"/>),
/// so a duplicate event joins the job instead of starting another.
/// </summary>
public sealed class JobPlanner
{
    // Typical bitrates (bits/s), used only to estimate the audio length that paces polling: amr-nb 12.2 kbit/s, flac ~700 kbit/s
    // for 16-bit stereo speech, wav 16-bit 16 kHz mono 256 kbit/s, compressed formats 64-128 kbit/s.
    private static readonly Dictionary<string, int> BitsPerSecond = new(StringComparer.Ordinal)
    {
        ["amr"] = 12_200,
        ["flac"] = 700_000,
        ["m4a"] = 128_000,
        ["mp3"] = 128_000,
        ["mp4"] = 128_000,
        ["ogg"] = 96_000,
        ["webm"] = 64_000,
        ["wav"] = 256_000,
    };

    private readonly string jobNamePrefix;
    private readonly string mediaPrefix;
    private readonly string transcriptPrefix;
    private readonly string transcriptFilePrefix;
    private readonly PollPacing pacing;

    /// <param name="jobNamePrefix">Every job name starts with it (IAM scopes Transcribe to it).</param>
    /// <param name="mediaPrefix">Only objects under it are transcribed (the roles may read only there), e.g. media/.</param>
    /// <param name="transcriptPrefix">The OutputKey folder Transcribe writes to, e.g. transcripts/.</param>
    /// <param name="pacing">How the state machine polls the job, by its expected length.</param>
    /// <param name="transcriptFilePrefix">"redacted-" when PII redaction is on: Transcribe then writes redacted-&lt;job&gt;.json.</param>
    public JobPlanner(string jobNamePrefix, string mediaPrefix, string transcriptPrefix, PollPacing pacing,
        string transcriptFilePrefix = "")
    {
        ArgumentNullException.ThrowIfNull(pacing);
        ArgumentNullException.ThrowIfNull(mediaPrefix);
        if (JobNames.PrefixProblem(jobNamePrefix) is { } problem)
        {
            throw new ArgumentException(problem, nameof(jobNamePrefix));
        }

        this.jobNamePrefix = jobNamePrefix;
        this.mediaPrefix = mediaPrefix;
        this.transcriptPrefix = transcriptPrefix;
        this.transcriptFilePrefix = transcriptFilePrefix;
        this.pacing = pacing;
    }

    /// <summary>The media formats Transcribe accepts; each equals its file extension.</summary>
    public static IReadOnlyCollection<string> MediaFormats => BitsPerSecond.Keys;

    /// <summary>
    /// Why the upload of the execution named <paramref name="executionName"/> is not transcribed, or null when it
    /// is a media file under the media prefix. A malformed request (no bucket, no key, a bad re-run marker, an
    /// execution name that cannot name a job) is not a skip: it throws <see cref="InvalidJobRequestException"/>,
    /// recorded as a failure.
    /// </summary>
    public SkippedUpload? Skip(Upload upload, string executionName)
    {
        Validate(upload);
        var jobName = JobName(executionName);
        var skip = !upload.Key.StartsWith(mediaPrefix, StringComparison.Ordinal)
            ? new UploadSkip(SkipReasons.OutsideMediaPrefix, $"'{upload.Key}' is not under the media prefix '{mediaPrefix}'.")
            : upload.Key.EndsWith('/')
                ? new UploadSkip(SkipReasons.FolderMarker, $"'{upload.Key}' is a folder marker, not a media file.")
                : TryMediaFormat(upload.Key, out _)
                    ? null
                    : new UploadSkip(SkipReasons.UnsupportedMediaFormat, UnsupportedFormatMessage(upload.Key));
        return skip is null ? null : new SkippedUpload(jobName, MediaUri(upload), skip);
    }

    /// <summary>The name of the upload's workflow execution (see <see cref="ExecutionNames"/>); a malformed event throws.</summary>
    public static string ExecutionName(Upload upload)
    {
        Validate(upload);
        return ExecutionNames.Of(upload);
    }

    /// <summary>The job of a media file under the media prefix; anything <see cref="Skip"/> skips throws.</summary>
    public JobPlan Plan(Upload upload, string executionName)
    {
        if (Skip(upload, executionName) is { } skipped)
        {
            throw skipped.Skipped.Reason == SkipReasons.UnsupportedMediaFormat
                ? new UnsupportedMediaFormatException(skipped.Skipped.Detail)
                : new InvalidJobRequestException(skipped.Skipped.Detail);
        }

        var format = MediaFormat(upload.Key);
        var jobName = JobName(executionName);
        var audioSeconds = (int)Math.Clamp(upload.SizeBytes * 8 / BitsPerSecond[format], 1, int.MaxValue);
        var jobSeconds = pacing.ExpectedJobSeconds(audioSeconds);
        return new JobPlan(
            jobName,
            MediaUri(upload),
            format,
            upload.Bucket,
            upload.Key,
            upload.VersionId,
            upload.SizeBytes,
            $"{transcriptPrefix}{transcriptFilePrefix}{jobName}.json",
            audioSeconds,
            jobSeconds,
            // Seeded by the job: executions started together poll at different times, a job's plan never changes.
            pacing.Plan(BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(jobName)), 0)));
    }

    /// <summary>The Transcribe MediaFormat of a key, from its extension in any letter case.</summary>
    public static string MediaFormat(string key) =>
        TryMediaFormat(key, out var format) ? format : throw new UnsupportedMediaFormatException(UnsupportedFormatMessage(key));

    private static bool TryMediaFormat(string key, out string format)
    {
        ArgumentNullException.ThrowIfNull(key);
        format = Extension(key).ToLowerInvariant();
        return BitsPerSecond.ContainsKey(format);
    }

    private static string UnsupportedFormatMessage(string key) =>
        $"'{key}' has the extension '{Extension(key)}'; Transcribe accepts {string.Join(", ", MediaFormats)}.";

    private static string Extension(string key)
    {
        var fileName = key[(key.LastIndexOf('/') + 1)..];
        var dot = fileName.LastIndexOf('.');
        return dot > 0 ? fileName[(dot + 1)..] : string.Empty;
    }

    private static void Validate(Upload upload)
    {
        ArgumentNullException.ThrowIfNull(upload);
        if (string.IsNullOrWhiteSpace(upload.Bucket))
        {
            throw new InvalidJobRequestException("The upload event has no detail.bucket.name.");
        }

        if (string.IsNullOrEmpty(upload.Key))
        {
            throw new InvalidJobRequestException("The upload event has no detail.object.key.");
        }

        if (upload.Rerun is { } marker && RerunMarker.Problem(marker) is { } problem)
        {
            throw new InvalidJobRequestException(problem);
        }
    }

    private static string MediaUri(Upload upload) => $"s3://{upload.Bucket}/{upload.Key}";

    /// <summary>The job of the execution: the prefix and the execution's name, the one rule (<see cref="JobNames"/>).</summary>
    private string JobName(string executionName) =>
        JobNames.ExecutionNameProblem(executionName) is { } problem
            ? throw new InvalidJobRequestException(problem)
            : JobNames.Of(jobNamePrefix, executionName);
}
