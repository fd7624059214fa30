namespace TranscribeStack.Contracts;

/// <summary>
/// The job metadata table as every writer and reader sees it: the key and index attributes, the
/// statuses an item can have, and the condition every write carries so that a COMPLETED item is
/// final (no retry, duplicate, late failure or skip replaces a recorded transcript). The CDK app
/// declares the table and the state machine's writes with it; the post-processor writes with it.
/// </summary>
public static class JobMetadataSchema
{
    /// <summary>Partition key: the Transcribe job name (or the would-be name of a skipped upload).</summary>
    public const string JobName = "jobName";

    public const string Status = "status";

    /// <summary>
    /// ISO-8601 time of the item's last write; sort key of <see cref="StatusIndex"/>. A <see cref="Transcribing"/>
    /// item keeps the start of the first execution that waited for its job (before the job was created), so
    /// the index lists the longest wait first.
    /// </summary>
    public const string UpdatedAt = "updatedAt";

    /// <summary>"Jobs by status, newest first": partition <see cref="Status"/>, sort <see cref="UpdatedAt"/>.</summary>
    public const string StatusIndex = "byStatus";

    /// <summary>
    /// The job runs and an execution waits for its completion event: the item holds that execution's
    /// <see cref="TaskToken"/> until a COMPLETED or FAILED item replaces it.
    /// </summary>
    public const string Transcribing = "TRANSCRIBING";

    /// <summary>The waiting execution's Step Functions task token (TRANSCRIBING items only).</summary>
    public const string TaskToken = "taskToken";

    public const string Completed = "COMPLETED";

    public const string Failed = "FAILED";

    public const string Skipped = "SKIPPED";

    /// <summary>
    /// The key of the intake window's counter item (its <see cref="InFlight"/> uploads admitted and not yet
    /// freed). A '#' never appears in a job name ([0-9a-zA-Z._-]), so no job's item can take this key; the
    /// item has no <see cref="Status"/>, so the status index leaves it out.
    /// </summary>
    public const string WindowKey = "#window";

    /// <summary>The counter of the window item: uploads admitted into the window and not yet freed.</summary>
    public const string InFlight = "inFlight";

    /// <summary>The key prefix of a slot item: <c>#slot#&lt;workflow execution name&gt;</c>, one per admitted upload.</summary>
    public const string SlotKeyPrefix = "#slot#";

    /// <summary>The condition of every write: no item yet, or one that is not COMPLETED.</summary>
    public const string CompletedIsFinal = "attribute_not_exists(" + JobName + ") OR #status <> :completed";

    /// <summary>The expression attribute names of <see cref="CompletedIsFinal"/>.</summary>
    public static IReadOnlyDictionary<string, string> CompletedIsFinalNames { get; } =
        new Dictionary<string, string> { ["#status"] = Status };

    /// <summary>The expression attribute values of <see cref="CompletedIsFinal"/>, as strings.</summary>
    public static IReadOnlyDictionary<string, string> CompletedIsFinalValues { get; } =
        new Dictionary<string, string> { [":completed"] = Completed };
}
