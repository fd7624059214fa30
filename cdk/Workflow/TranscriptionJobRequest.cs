namespace TranscribeStack.Cdk.Workflow;

/// <summary>
/// The StartTranscriptionJob request the workflow sends for every planned job: the planner's name,
/// media and format, the environment's Transcribe settings, the stack's output location and key, and
/// the job tags the caller role is limited to.
/// </summary>
internal sealed class TranscriptionJobRequest(
    string environmentName,
    TranscribeSettings transcribe,
    TranscriptStorage transcripts,
    IKey key,
    IRole? dataAccessRole)
{
    /// <summary>The tags every job is started with; the role may start and tag jobs only with exactly these.</summary>
    public Dictionary<string, string> Tags { get; } = new()
    {
        ["Application"] = TranscriptionPipelineStack.ApplicationName,
        ["Environment"] = environmentName,
    };

    /// <summary>The task's Parameters.</summary>
    public Dictionary<string, object> Parameters()
    {
        var parameters = new Dictionary<string, object>
        {
            ["TranscriptionJobName"] = JsonPath.StringAt(PlanPaths.JobName),
            ["Media"] = new Dictionary<string, object> { ["MediaFileUri"] = JsonPath.StringAt(PlanPaths.MediaUri) },
            ["MediaFormat"] = JsonPath.StringAt(PlanPaths.MediaFormat),
            ["OutputBucketName"] = transcripts.Bucket.BucketName,
            ["OutputKey"] = transcripts.TranscriptPrefix,
            ["OutputEncryptionKMSKeyId"] = key.KeyArn,
            ["Tags"] = Tags.Select(tag => (object)new Dictionary<string, object> { ["Key"] = tag.Key, ["Value"] = tag.Value }).ToArray(),
        };

        // Every option the settings send, declared on TranscribeSettings' properties ([StartJobParameter]).
        StartJobOptions.Render(transcribe, parameters);
        if (dataAccessRole is not null)
        {
            // Above the concurrent-job quota Transcribe queues the job instead of refusing it, running it as this
            // role (the workflow creates it exactly when transcribe.allowDeferredExecution is on).
            ((Dictionary<string, object>)parameters["JobExecutionSettings"])["DataAccessRoleArn"] = dataAccessRole.RoleArn;
        }

        return parameters;
    }

    /// <summary>aws:RequestTag and aws:TagKeys conditions that allow exactly <see cref="Tags"/>.</summary>
    public (Dictionary<string, object> RequestTags, Dictionary<string, object> TagKeys) TagConditions() => (
        Tags.ToDictionary(tag => $"aws:RequestTag/{tag.Key}", tag => (object)tag.Value),
        new Dictionary<string, object> { ["aws:TagKeys"] = Tags.Keys.ToArray() });
}
