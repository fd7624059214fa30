namespace TranscribeStack.Contracts;

/// <summary>
/// The one rule from a workflow execution to its Transcribe job (and the key of the job's item):
/// <c>jobName = jobNamePrefix + executionName</c>. The job planner names the job by it, and the workflow's
/// failure branch and the execution-end recorder derive the same name from the execution's name alone,
/// so an operator searches one string (the execution name) in the console, the logs and the table.
/// It fits: a prefix of at most 64 characters of [0-9A-Za-z._-] and an execution name of at most 80 of
/// [0-9A-Za-z_-] (Step Functions' name limit, and the alphabet it asks for when the execution logs to
/// CloudWatch Logs) make at most 144 of Transcribe's 200 characters of [0-9A-Za-z._-].
/// </summary>
public static class JobNames
{
    /// <summary>
    /// Transcribe's job-name limit: every name of the rule fits (<see cref="MaxPrefixLength"/> + <see cref="MaxExecutionNameLength"/>).
    /// </summary>
    public const int MaxJobNameLength = 200;

    /// <summary>The longest job-name prefix.</summary>
    public const int MaxPrefixLength = 64;

    /// <summary>Step Functions' limit on an execution name.</summary>
    public const int MaxExecutionNameLength = 80;

    /// <summary>The characters an execution name here may hold.</summary>
    public static bool IsExecutionNameCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';

    /// <summary>The characters a job-name prefix may hold (Transcribe's job-name alphabet).</summary>
    public static bool IsPrefixCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';

    /// <summary>The job of the execution named <paramref name="executionName"/>; a name that breaks the rule throws.</summary>
    public static string Of(string jobNamePrefix, string executionName)
    {
        if (PrefixProblem(jobNamePrefix) is { } prefixProblem)
        {
            throw new ArgumentException(prefixProblem, nameof(jobNamePrefix));
        }

        if (ExecutionNameProblem(executionName) is { } nameProblem)
        {
            throw new ArgumentException(nameProblem, nameof(executionName));
        }

        return jobNamePrefix + executionName;
    }

    /// <summary>Null when <paramref name="jobNamePrefix"/> is a valid prefix, otherwise why not.</summary>
    public static string? PrefixProblem(string? jobNamePrefix) =>
        string.IsNullOrEmpty(jobNamePrefix) || jobNamePrefix.Length > MaxPrefixLength || !jobNamePrefix.All(IsPrefixCharacter)
            ? $"Job-name prefix '{jobNamePrefix}' must be 1 to {MaxPrefixLength} of [0-9a-zA-Z._-]."
            : null;

    /// <summary>Null when <paramref name="executionName"/> can name a job, otherwise why not.</summary>
    public static string? ExecutionNameProblem(string? executionName) =>
        string.IsNullOrEmpty(executionName) || executionName.Length > MaxExecutionNameLength || !executionName.All(IsExecutionNameCharacter)
            ? $"The execution name '{executionName}' must be 1 to {MaxExecutionNameLength} of [0-9A-Za-z_-]: "
                + "the job is named <prefix><execution name>."
            : null;
}
