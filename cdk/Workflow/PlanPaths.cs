using System.Text.Json;

namespace TranscribeStack.Cdk.Workflow;

/// <summary>
/// The JSON paths at which the state machine reads the job planner's answer (<c>$.job</c>), derived
/// from the contract's property names with the naming policy the functions serialize with (camelCase),
/// so a renamed property cannot leave a stale path behind.
/// </summary>
internal static class PlanPaths
{
    /// <summary>Where the planner's answer is put in the execution's state.</summary>
    public const string Job = "$.job";

    public static readonly string JobName = Path(Job, nameof(JobPlan.JobName));
    public static readonly string MediaUri = Path(Job, nameof(JobPlan.MediaUri));
    public static readonly string MediaFormat = Path(Job, nameof(JobPlan.MediaFormat));
    public static readonly string TranscriptKey = Path(Job, nameof(JobPlan.TranscriptKey));

    /// <summary>The polling plan (<see cref="PollingPlan"/>); the state machine advances it in place.</summary>
    public static readonly string Polling = Path(Job, nameof(JobPlan.Polling));
    public static readonly string WaitSeconds = Path(Polling, nameof(PollingPlan.WaitSeconds));
    public static readonly string LaterWaitSeconds = Path(Polling, nameof(PollingPlan.LaterWaitSeconds));
    public static readonly string LaterPolls = Path(Polling, nameof(PollingPlan.LaterPolls));
    public static readonly string LaterPollsMade = Path(Polling, nameof(PollingPlan.LaterPollsMade));
    public static readonly string GivesUpAfterSeconds = Path(Polling, nameof(PollingPlan.GivesUpAfterSeconds));

    /// <summary>Present only when the planner skipped the upload (<see cref="SkippedUpload"/>).</summary>
    public static readonly string Skipped = Path(Job, nameof(SkippedUpload.Skipped));
    public static readonly string SkipReason = Path(Skipped, nameof(UploadSkip.Reason));
    public static readonly string SkipDetail = Path(Skipped, nameof(UploadSkip.Detail));

    /// <summary>The name of a property as the functions write it.</summary>
    public static string Name(string property) => JsonNamingPolicy.CamelCase.ConvertName(property);

    private static string Path(string parent, string property) => $"{parent}.{Name(property)}";
}
