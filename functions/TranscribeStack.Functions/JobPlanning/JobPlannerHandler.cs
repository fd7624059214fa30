using System.Text.Json.Serialization;
using TranscribeStack.Contracts;

namespace TranscribeStack.Functions.JobPlanning;

/// <summary>
/// A request to the planner: the plan of an execution's upload (<see cref="PlanRequest"/>: its name and the
/// event), or the name of the execution of an upload (the event wrapped in <c>executionNameOf</c>).
/// </summary>
internal sealed record PlannerRequest(
    [property: JsonPropertyName(PlanRequest.ExecutionNameProperty)] string? ExecutionName,
    [property: JsonPropertyName(PlanRequest.UploadProperty)] UploadEvent? Upload,
    [property: JsonPropertyName(NamedExecution.RequestProperty)] UploadEvent? ExecutionNameOf);

/// <summary>
/// The EventBridge S3 "Object Created" event, as much of it as the planner reads, with the re-run marker an
/// operator adds.
/// </summary>
internal sealed record UploadEvent(
    UploadEventDetail? Detail,
    [property: JsonConverter(typeof(RerunMarkerConverter))] string? Rerun);

internal sealed record UploadEventDetail(UploadEventBucket? Bucket, [property: JsonPropertyName("object")] UploadEventObject? Object);

internal sealed record UploadEventBucket(string? Name);

internal sealed record UploadEventObject(
    string? Key,
    long? Size,
    string? Etag,
    [property: JsonPropertyName("version-id")] string? VersionId);

/// <summary>
/// Lambda entry point: TranscribeStack.Functions::TranscribeStack.Functions.JobPlanning.JobPlannerHandler::HandleAsync.
/// A Stream-in/Stream-out handler, which the managed runtime calls without a serializer.
/// </summary>
public sealed class JobPlannerHandler
{
    private readonly JobPlanner planner;

    /// <summary>
    /// Used by the Lambda runtime: settings from JOB_NAME_PREFIX, MEDIA_PREFIX, TRANSCRIPT_PREFIX, TRANSCRIPT_FILE_PREFIX (optional)
    /// and the pacing POLL_MIN_INTERVAL_SECONDS, POLL_MAX_INTERVAL_SECONDS, POLL_GIVE_UP_AFTER_SECONDS, JOB_SECONDS_PER_AUDIO_SECOND.
    /// </summary>
    public JobPlannerHandler()
        : this(new JobPlanner(
            Settings.Required("JOB_NAME_PREFIX"),
            Settings.Required("MEDIA_PREFIX"),
            Settings.Required("TRANSCRIPT_PREFIX"),
            new PollPacing(
                Settings.Parse<int>("POLL_MIN_INTERVAL_SECONDS"),
                Settings.Parse<int>("POLL_MAX_INTERVAL_SECONDS"),
                Settings.Parse<long>("POLL_GIVE_UP_AFTER_SECONDS"),
                Settings.Parse<double>("JOB_SECONDS_PER_AUDIO_SECOND")),
            Environment.GetEnvironmentVariable("TRANSCRIPT_FILE_PREFIX") ?? string.Empty))
    {
    }

    public JobPlannerHandler(JobPlanner planner) => this.planner = planner;

    public async Task<Stream> HandleAsync(Stream input)
    {
        var request = await FunctionsJson.ReadAsync(input, FunctionsJson.Default.PlannerRequest).ConfigureAwait(false);
        if (request.ExecutionNameOf is { } named)
        {
            // The starters name the execution before it exists: the same answer for every delivery of the event.
            return FunctionsJson.Write(new NamedExecution(JobPlanner.ExecutionName(UploadOf(named))), FunctionsJson.Default.NamedExecution);
        }

        var upload = UploadOf(request.Upload ?? throw new InvalidJobRequestException(
            $"The request has no {PlanRequest.UploadProperty} (nor {NamedExecution.RequestProperty}): the planner plans "
            + $"{{\"{PlanRequest.ExecutionNameProperty}\": <execution name>, \"{PlanRequest.UploadProperty}\": <upload event>}}."));
        var executionName = request.ExecutionName ?? throw new InvalidJobRequestException(
            $"The request has no {PlanRequest.ExecutionNameProperty}: the job is named after the execution.");
        // An object the pipeline does not transcribe is answered, not thrown: the workflow records it as SKIPPED.
        return planner.Skip(upload, executionName) is { } skipped
            ? FunctionsJson.Write(skipped, FunctionsJson.Default.SkippedUpload)
            : FunctionsJson.Write(planner.Plan(upload, executionName), FunctionsJson.Default.JobPlan);
    }

    private static Upload UploadOf(UploadEvent uploadEvent)
    {
        var detail = uploadEvent.Detail ?? throw new InvalidJobRequestException("The upload event has no detail.");
        return new Upload(
            detail.Bucket?.Name ?? string.Empty,
            detail.Object?.Key ?? string.Empty,
            detail.Object?.VersionId,
            detail.Object?.Etag,
            detail.Object?.Size ?? 0,
            uploadEvent.Rerun);
    }
}
