using TranscribeStack.Cdk.Triggering;

namespace TranscribeStack.Cdk.Workflow;

public sealed class TranscriptionWorkflowProps : PipelineConstructProps
{
    /// <summary>The media the jobs read (granted to the Transcribe caller and the data-access role).</summary>
    public required MediaIngestion Media { get; init; }

    /// <summary>Where the jobs write their output (granted likewise).</summary>
    public required TranscriptStorage Transcripts { get; init; }

    /// <summary>Where waits, skips and failures are recorded.</summary>
    public required JobMetadataTable Metadata { get; init; }

    public required IFunction JobPlanner { get; init; }

    public required IFunction PostProcessor { get; init; }

    public required TranscribeSettings Transcribe { get; init; }

    /// <summary>The workflow's pacing, retries, timeout and logging.</summary>
    public required WorkflowSettings Settings { get; init; }
}

/// <summary>
/// The Standard state machine that turns one upload into one transcription job and one metadata
/// item, or into one recorded failure (metadata item + dead-letter message), or one SKIPPED item.
/// It waits for Transcribe's completion event (see <c>WorkflowEvents/JobCompletionNotifier</c>), bounded by
/// the job's polling plan, and polls when none came: the plan is the one safety net for a lost event. Its role is the Transcribe caller;
/// every statement of that role is written in <c>TranscriptionWorkflow.Permissions.cs</c>, none by the tasks.
/// The states are built in <c>TranscriptionWorkflow.States.cs</c>, one method each.
/// </summary>
public sealed partial class TranscriptionWorkflow : Construct
{
    private readonly TranscriptionWorkflowProps props;
    private readonly Role role;
    private readonly TranscriptionJobRequest request;
    private readonly IStateMachine admitter;

    public TranscriptionWorkflow(Construct scope, string id, TranscriptionWorkflowProps props)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(props);
        this.props = props;
        var stack = Stack.Of(this);

        if (props.Transcribe.AllowDeferredExecution)
        {
            // With deferred execution Transcribe runs a queued job later as this role, not as the caller.
            DataAccessRole = new Role(this, "TranscribeDataAccessRole", new RoleProps
            {
                Description = "TranscribeStack: what Transcribe may do when it runs a queued job",
                AssumedBy = new ServicePrincipal("transcribe.amazonaws.com", new ServicePrincipalOpts
                {
                    Conditions = ConfusedDeputy.Conditions(ConfusedDeputy.TranscribeSourceArn(stack)),
                }),
            });
        }

        // By name, not by reference: the admitter starts this workflow (two references would be a cycle).
        admitter = IntakeAdmitter.FromName(this, "IntakeAdmitter");
        var context = props.Context;
        request = new TranscriptionJobRequest(context.EnvironmentName, props.Transcribe, props.Transcripts, context.Key, DataAccessRole);
        FailureQueue = EncryptedDeadLetterQueue.Create(this, "FailureQueue", context);
        var built = PipelineStateMachine.Create(this, new PipelineStateMachineOptions
        {
            Context = context,
            Comment = $"TranscribeStack ({context.EnvironmentName}): transcribe one uploaded media file",
            Definition = Definition,
            Timeout = Duration.Minutes(props.Settings.ExecutionTimeoutMinutes),
            RoleDescription = "TranscribeStack workflow: the Transcribe caller",
            LogLevel = props.Settings.LogLevel,
            IncludeExecutionData = props.Settings.IncludeExecutionData,
        });
        role = built.Role;
        LogGroup = built.LogGroup;
        StateMachine = built.StateMachine;
        StateMachineName = built.StateMachine.StateMachineName;

        GrantWorkflowRights(stack);
    }

    public IStateMachine StateMachine { get; }

    /// <summary>The state machine's generated name: its executions' ARNs are execution:&lt;name&gt;:&lt;execution&gt;.</summary>
    public string StateMachineName { get; }

    /// <summary>The role Transcribe assumes for queued jobs; null unless deferred execution is on.</summary>
    public IRole? DataAccessRole { get; }

    /// <summary>The state machine's role: the identity StartTranscriptionJob validates output access with.</summary>
    public IRole Role => role;

    /// <summary>One message per failed upload: what failed, why, the media and the execution.</summary>
    public IQueue FailureQueue { get; }

    public ILogGroup LogGroup { get; }

    /// <summary>ARN pattern of the jobs this workflow starts.</summary>
    public static string TranscriptionJobArnPattern(Stack stack, string jobNamePrefix) => stack.FormatArn(new ArnComponents
    {
        Service = "transcribe",
        Resource = "transcription-job",
        ResourceName = jobNamePrefix + "*",
        ArnFormat = ArnFormat.SLASH_RESOURCE_NAME,
    });

    /// <summary>The flow, happy path first: plan, start, wait for the job, read it, record it.</summary>
    private Chain Definition()
    {
        var failed = RecordFailure();
        var stepFailed = DescribeFailure(
            StateNames.Workflow.DescribeFailedStep,
            jobName: JsonPath.StringAt(PlanPaths.JobName),
            mediaUri: JsonPath.StringAt(PlanPaths.MediaUri),
            error: JsonPath.StringAt("$.error.Error"),
            reason: JsonPath.StringAt("$.error.Cause"),
            next: failed);

        var join = JoinExistingJob();
        var scheduleNextPoll = ScheduleNextPoll();
        var checkStatus = CheckJobStatus(
            completed: PostProcess(onError: stepFailed).Next(
                FreeTheSlot(StateNames.Workflow.FreeRecordedUploadsSlot, new Succeed(this, StateNames.Workflow.TranscriptionRecorded))),
            stillRunning: scheduleNextPoll,
            failed: failed);
        var readJob = GetJobStatus(whenThrottled: PollWasThrottled().Next(checkStatus), onError: stepFailed);
        var waitForJob = WaitForJob(whenNoEvent: readJob, whenItemIsFinal: readJob, whenCannotWait: WaitBeforePolling().Next(readJob));
        var transcribe = Chain.Start(StartJob(onConflict: join, onError: stepFailed))
            .Next(waitForJob)
            .Next(readJob)
            .Next(checkStatus);
        // Still running: wait for the event again, bounded by the plan's next interval. A duplicate
        // event for the same object follows the job that is already running.
        scheduleNextPoll.Next(waitForJob);
        join.Next(waitForJob);

        return Chain.Start(PlanJob(onError: DescribePlanningFailure(failed)))
            .Next(new Choice(this, StateNames.Workflow.IsUploadMediaFile, new ChoiceProps
            {
                Comment = "The rule passes every object under the media prefix; the planner says which it cannot transcribe.",
            })
                .When(Condition.IsPresent(PlanPaths.Skipped), RecordSkip(onError: stepFailed))
                .Otherwise(transcribe));
    }
}
