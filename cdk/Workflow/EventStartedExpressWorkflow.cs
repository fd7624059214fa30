using Amazon.CDK.AWS.Events.Targets;

namespace TranscribeStack.Cdk.Workflow;

/// <summary>What <see cref="EventStartedExpressWorkflow.Create"/> builds: an Express state machine, and what starts it.</summary>
internal sealed class EventStartedExpressWorkflowOptions : PipelineStateMachineOptions
{
    public EventStartedExpressWorkflowOptions() => Type = StateMachineType.EXPRESS;

    /// <summary>Grants the state machine's role what its states call (its role takes no policy updates).</summary>
    public required Action<Role> GrantRole { get; init; }

    public required string RuleDescription { get; init; }

    /// <summary>The events that start an execution; or, instead, <see cref="Schedule"/>.</summary>
    public EventPattern? EventPattern { get; init; }

    /// <summary>When an execution starts (a scheduled rule); or, instead, <see cref="EventPattern"/>.</summary>
    public Schedule? Schedule { get; init; }

    public required string TargetRoleDescription { get; init; }

    /// <summary>How long EventBridge keeps retrying to start an execution for an event.</summary>
    public required Duration MaxEventAge { get; init; }

    public required int RetryAttempts { get; init; }

    /// <summary>
    /// The dead-letter queue of the rule's target, when the owner created it first (its definition sends
    /// to it as well); by default one is created in the owner's scope as "EventDeadLetterQueue".
    /// </summary>
    public IQueue? DeadLetterQueue { get; init; }
}

/// <summary>
/// An Express workflow of SDK integrations that an EventBridge rule starts for each matching event (or on a schedule):
/// the state machine as <see cref="PipelineStateMachine"/> builds every one (its role with what
/// <see cref="EventStartedExpressWorkflowOptions.GrantRole"/> grants, its encrypted log group, tracing), and on top
/// the rule, the rule's own target role (StartExecution of this workflow only) with a retry policy, and an encrypted
/// dead-letter queue for events that could not be delivered. The owner composes it (the completion notifier, the
/// execution-end recorder, the intake admitter); the resources are created directly in the owner's scope, so their
/// logical ids are the owner's.
/// </summary>
public sealed record EventStartedExpressWorkflow(IStateMachine StateMachine, IRole Role, ILogGroup LogGroup, IRole TargetRole, Rule Rule,
    IQueue DeadLetterQueue)
{
    internal static EventStartedExpressWorkflow Create(Construct owner, EventStartedExpressWorkflowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if ((options.EventPattern is null) == (options.Schedule is null))
        {
            throw new ArgumentException("An event-started workflow is started by an event pattern or by a schedule, one of them.",
                nameof(options));
        }

        var (stateMachine, role, logGroup) = PipelineStateMachine.Create(owner, options);
        options.GrantRole(role);

        var deadLetterQueue = options.DeadLetterQueue
            ?? EncryptedDeadLetterQueue.Create(owner, "EventDeadLetterQueue", options.Context);
        var targetRole = AccountServiceRoles.Create(owner, "TargetRole", "events.amazonaws.com", options.TargetRoleDescription);
        stateMachine.GrantStartExecution(targetRole);
        NagAcknowledgements.AcknowledgeInlinePolicy(targetRole);

        var rule = new Rule(owner, "Rule",
            new RuleProps { Description = options.RuleDescription, EventPattern = options.EventPattern, Schedule = options.Schedule });
        rule.AddTarget(new SfnStateMachine(stateMachine, new SfnStateMachineProps
        {
            Role = targetRole,
            DeadLetterQueue = deadLetterQueue,
            MaxEventAge = options.MaxEventAge,
            RetryAttempts = options.RetryAttempts,
        }));
        return new EventStartedExpressWorkflow(stateMachine, role, logGroup, targetRole, rule, deadLetterQueue);
    }
}
