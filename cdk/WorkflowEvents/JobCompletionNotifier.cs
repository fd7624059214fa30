namespace TranscribeStack.Cdk.WorkflowEvents;

public sealed class JobCompletionNotifierProps : PipelineConstructProps
{
    /// <summary>Where a waiting execution keeps its task token (the job's TRANSCRIBING item).</summary>
    public required JobMetadataTable Metadata { get; init; }
}

/// <summary>
/// Wakes the execution that waits for a job when Transcribe reports the job COMPLETED or FAILED: an
/// EventBridge rule on "Transcribe Job State Change" for this account and this stack's job names starts
/// a small Express workflow that reads the waiting execution's task token from the job's item and calls
/// SendTaskSuccess. Made of SDK integrations, not a function: no code to run or patch, and the C# SDK
/// for Step Functions is not available to this project. The events are best effort: a lost, late,
/// duplicate or early event wakes nobody (or nobody still waiting) and fails nothing; the finished-job
/// workflow's polling plan notices the job then, within its longest interval.
/// </summary>
public sealed class JobCompletionNotifier : Construct
{
    public JobCompletionNotifier(Construct scope, string id, JobCompletionNotifierProps props)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(props);
        Express = EventStartedExpressWorkflow.Create(this, new EventStartedExpressWorkflowOptions
        {
            Context = props.Context,
            Comment = $"TranscribeStack ({props.Context.EnvironmentName}): wake the execution waiting for a finished transcription job",
            Definition = () => Definition(props),
            Timeout = Duration.Minutes(1),
            RoleDescription = "TranscribeStack completion notifier: wakes the execution waiting for a job",
            GrantRole = role =>
            {
                WakeWaitingExecution.Grant(role, props.Metadata);
                NagAcknowledgements.Acknowledge(
                    NagAcknowledgements.DefaultPolicy(role),
                    new NagAcknowledgement("AwsSolutions-IAM5",
                        "states:SendTaskSuccess, log delivery and X-Ray have no resource type (see UnscopedActions)."));
            },
            RuleDescription = "Wakes the workflow execution waiting for a finished transcription job of this stack",
            EventPattern = new EventPattern
            {
                Source = ["aws.transcribe"],
                DetailType = ["Transcribe Job State Change"],
                Account = [Stack.Of(this).Account],
                Detail = new Dictionary<string, object>
                {
                    ["TranscriptionJobStatus"] = WakeWaitingExecution.FinalStatuses,
                    ["TranscriptionJobName"] = new object[] { new Dictionary<string, object> { ["prefix"] = props.Context.JobNamePrefix } },
                },
            },
            TargetRoleDescription = "TranscribeStack completion events: starts the notifier",
            // Past an hour the plan's backstop poll has long noticed the job.
            MaxEventAge = Duration.Hours(1),
            RetryAttempts = 20,
        });
    }

    /// <summary>Its Express state machine, the rule that starts it, their roles, log group and the rule's dead-letter queue.</summary>
    public EventStartedExpressWorkflow Express { get; }

    private Chain Definition(JobCompletionNotifierProps props) => WakeWaitingExecution.Build(this, props.Metadata);
}
