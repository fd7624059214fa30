using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.Events.Targets;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AWS.SQS;
using Amazon.CDK.AWS.StepFunctions;
using TranscribeStack.Cdk.Messaging;
using LogGroupProps = Amazon.CDK.AWS.Logs.LogGroupProps;

namespace TranscribeStack.Cdk.Workflow;

/// <summary>What <see cref="EventStartedExpressWorkflow.Create"/> builds an Express workflow from.</summary>
internal sealed class EventStartedExpressWorkflowOptions : LoggingConstructProps
{
    public required string Comment { get; init; }

    /// <summary>A fixed name, where the state machine must be referred to by name (to break a reference cycle); by default generated.</summary>
    public string? StateMachineName { get; init; }

    /// <summary>The states, built in the owner's scope (called once the role exists).</summary>
    public required Func<IChainable> Definition { get; init; }

    public required Duration Timeout { get; init; }

    public required string RoleDescription { get; init; }

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
/// its role (logs and X-Ray, plus what <see cref="EventStartedExpressWorkflowOptions.GrantRole"/> grants),
/// its encrypted log group at ALL, the rule, the rule's own target role (StartExecution of this workflow
/// only) with a retry policy, and an encrypted dead-letter queue for events that could not be delivered.
/// The resources are created directly in the owner's scope, so their logical ids are the owner's.
/// </summary>
internal sealed record EventStartedExpressWorkflow(StateMachine StateMachine, Role Role, Role TargetRole, Rule Rule, IQueue DeadLetterQueue, ILogGroup LogGroup)
{
    public static EventStartedExpressWorkflow Create(Construct owner, EventStartedExpressWorkflowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if ((options.EventPattern is null) == (options.Schedule is null))
        {
            throw new ArgumentException("An event-started workflow is started by an event pattern or by a schedule, one of them.", nameof(options));
        }

        var role = StateMachineRoles.Create(owner, "Role", options.RoleDescription);
        var logGroup = new LogGroup(owner, "Logs", new LogGroupProps
        {
            EncryptionKey = options.Key,
            Retention = options.LogRetention,
            RemovalPolicy = options.RemovalPolicy,
        });
        var stateMachine = new StateMachine(owner, "StateMachine", new StateMachineProps
        {
            StateMachineType = StateMachineType.EXPRESS,
            StateMachineName = options.StateMachineName,
            Comment = options.Comment,
            DefinitionBody = DefinitionBody.FromChainable(options.Definition()),
            Role = role.WithoutPolicyUpdates(),
            Timeout = options.Timeout,
            TracingEnabled = true,
            Logs = new LogOptions { Destination = logGroup, Level = LogLevel.ALL, IncludeExecutionData = false },
        });
        stateMachine.Node.AddDependency(role);
        options.GrantRole(role);

        var deadLetterQueue = options.DeadLetterQueue ?? EncryptedDeadLetterQueue.Create(owner, "EventDeadLetterQueue", options.Key, options.RemovalPolicy);
        var targetRole = AccountServiceRoles.Create(owner, "TargetRole", "events.amazonaws.com", options.TargetRoleDescription);
        stateMachine.GrantStartExecution(targetRole);
        NagAcknowledgements.AcknowledgeInlinePolicy(targetRole);

        var rule = new Rule(owner, "Rule", new RuleProps { Description = options.RuleDescription, EventPattern = options.EventPattern, Schedule = options.Schedule });
        rule.AddTarget(new SfnStateMachine(stateMachine, new SfnStateMachineProps
        {
            Role = targetRole,
            DeadLetterQueue = deadLetterQueue,
            MaxEventAge = options.MaxEventAge,
            RetryAttempts = options.RetryAttempts,
        }));
        return new EventStartedExpressWorkflow(stateMachine, role, targetRole, rule, deadLetterQueue, logGroup);
    }
}

/// <summary>
/// A construct made of one event-started Express workflow (<see cref="EventStartedExpressWorkflow"/>), which
/// it exposes as these members: the completion notifier and the execution-end recorder.
/// </summary>
public abstract class EventStartedExpressConstruct : Construct
{
    private EventStartedExpressWorkflow? workflow;

    protected EventStartedExpressConstruct(Construct scope, string id)
        : base(scope, id)
    {
    }

    public IStateMachine StateMachine => Built.StateMachine;

    /// <summary>The state machine's own role (its states' calls).</summary>
    public IRole Role => Built.Role;

    /// <summary>The role EventBridge starts the state machine with.</summary>
    public IRole TargetRole => Built.TargetRole;

    public Rule Rule => Built.Rule;

    public ILogGroup LogGroup => Built.LogGroup;

    /// <summary>Events (or scheduled starts) EventBridge could not deliver to the state machine.</summary>
    public IQueue DeadLetterQueue => Built.DeadLetterQueue;

    private EventStartedExpressWorkflow Built => workflow ?? throw new InvalidOperationException($"{GetType().Name} has not built its workflow.");

    /// <summary>Builds the workflow in this construct's scope (once, in the derived constructor).</summary>
    internal void Build(EventStartedExpressWorkflowOptions options)
    {
        if (workflow is not null)
        {
            throw new InvalidOperationException($"{GetType().Name} builds one workflow.");
        }

        workflow = EventStartedExpressWorkflow.Create(this, options);
    }
}
