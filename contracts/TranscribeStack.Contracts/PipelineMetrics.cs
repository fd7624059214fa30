namespace TranscribeStack.Contracts;

/// <summary>
/// The pipeline's own CloudWatch metrics, as the post-processor emits them (embedded metric format
/// lines on stdout) and the dashboard reads them: one namespace, one dimension set (the environment,
/// so that environments sharing an account and region stay apart), the metric names and units.
/// </summary>
public static class PipelineMetrics
{
    public const string Namespace = "TranscribeStack";

    /// <summary>The one dimension of every metric: the environment's name (dev, staging, prod).</summary>
    public const string EnvironmentDimension = "Environment";

    /// <summary>
    /// Minutes of audio of a job recorded as COMPLETED, once per job (a duplicate or a retry that finds the job
    /// already recorded emits nothing). Measured from the transcript: the end of its last word or segment.
    /// </summary>
    public const string AudioMinutes = "AudioMinutes";

    /// <summary>CloudWatch has no minute unit: <see cref="AudioMinutes"/> is a plain number of minutes.</summary>
    public const string AudioMinutesUnit = "None";

    /// <summary>The environment variable that tells the post-processor its environment (the dimension's value).</summary>
    public const string EnvironmentVariable = "METRICS_ENVIRONMENT";
}
