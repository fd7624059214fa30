namespace TranscribeStack.Contracts;

// The job planner's answer, as the state machine reads it at $.job (see PlanPaths in the CDK app):
// property names are the JSON names in camelCase.

/// <summary>What the state machine needs to start and follow one transcription job.</summary>
public sealed record JobPlan(
    string JobName,
    string MediaUri,
    string MediaFormat,
    string Bucket,
    string Key,
    string? VersionId,
    long SizeBytes,
    string TranscriptKey,
    int ExpectedAudioSeconds,
    int ExpectedJobSeconds,
    PollingPlan Polling);

/// <summary>Why an object that reached the planner is not transcribed (recorded as a SKIPPED item, not a failure).</summary>
public sealed record UploadSkip(string Reason, string Detail);

/// <summary>The planner's answer for an object it does not transcribe: the item's name and media URI, and why.</summary>
public sealed record SkippedUpload(string JobName, string MediaUri, UploadSkip Skipped);

/// <summary>The reasons an upload is skipped; the rule lets through everything under the media prefix.</summary>
public static class SkipReasons
{
    /// <summary>The object is not under the media prefix (a hand-started execution, or a changed prefix).</summary>
    public const string OutsideMediaPrefix = "OutsideMediaPrefix";

    /// <summary>The key ends with '/': a folder created in the console, not a file.</summary>
    public const string FolderMarker = "FolderMarker";

    /// <summary>The extension is not a media format Transcribe accepts.</summary>
    public const string UnsupportedMediaFormat = "UnsupportedMediaFormat";
}

/// <summary>
/// The planner's other question, asked by the upload starter and the re-processing workflow: the
/// execution name of an upload event. The request is <c>{"executionNameOf": &lt;the event, with its
/// re-run marker&gt;}</c>; the answer is this record.
/// </summary>
public sealed record NamedExecution(string ExecutionName)
{
    /// <summary>The request's one property (camelCase, as the functions read it).</summary>
    public const string RequestProperty = "executionNameOf";
}

/// <summary>
/// The planner's main question, asked by the workflow: the plan of the upload its execution was started for.
/// The request is <c>{"executionName": &lt;the execution's name&gt;, "upload": &lt;the event, with its re-run
/// marker&gt;}</c>; the answer is a <see cref="JobPlan"/> or a <see cref="SkippedUpload"/>.
/// </summary>
public static class PlanRequest
{
    /// <summary>The execution's name ($$.Execution.Name): the job is named after it (<see cref="JobNames"/>).</summary>
    public const string ExecutionNameProperty = "executionName";

    /// <summary>The upload event, as the execution's input holds it.</summary>
    public const string UploadProperty = "upload";
}
