using Amazon.CDK.AWS.StepFunctions;
using TranscribeStack.Contracts;

namespace TranscribeStack.Cdk.Workflow;

/// <summary>
/// The job name of an execution, written into a state: the one rule of <see cref="JobNames"/>
/// (<c>jobNamePrefix + executionName</c>) as the intrinsic <c>States.Format('&lt;prefix&gt;{}', &lt;path&gt;)</c>,
/// so a state machine finds a job's item from an execution's name without asking the planner.
/// </summary>
internal static class ExecutionJobNames
{
    /// <param name="jobNamePrefix">The environment's job-name prefix.</param>
    /// <param name="executionNamePath">Where the state reads the execution's name ($$.Execution.Name, an event's $.detail.name).</param>
    public static string Of(string jobNamePrefix, string executionNamePath)
    {
        // The prefix is [0-9A-Za-z._-] only: nothing States.Format would read as a brace or an escape.
        if (JobNames.PrefixProblem(jobNamePrefix) is { } problem)
        {
            throw new ArgumentException(problem, nameof(jobNamePrefix));
        }

        return JsonPath.Format(jobNamePrefix + "{}", JsonPath.StringAt(executionNamePath));
    }
}
