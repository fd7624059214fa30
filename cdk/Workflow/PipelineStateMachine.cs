namespace TranscribeStack.Cdk.Workflow;

/// <summary>What <see cref="PipelineStateMachine.Create"/> builds a state machine from.</summary>
internal class PipelineStateMachineOptions
{
    public required PipelineContext Context { get; init; }

    public StateMachineType Type { get; init; } = StateMachineType.STANDARD;

    public required string Comment { get; init; }

    /// <summary>A fixed name, where the state machine must be referred to by name (to break a reference cycle); by default
    /// generated.</summary>
    public string? StateMachineName { get; init; }

    /// <summary>The states, built in the owner's scope (called once the role exists).</summary>
    public required Func<IChainable> Definition { get; init; }

    /// <summary>How long an execution may run; by default the type's own limit.</summary>
    public Duration? Timeout { get; init; }

    public required string RoleDescription { get; init; }

    public LogLevel LogLevel { get; init; } = LogLevel.ALL;

    public bool IncludeExecutionData { get; init; }
}

/// <summary>
/// The one way a state machine of this stack is built (as Solutions Constructs' <c>buildStateMachine</c>): its own role
/// (<see cref="StateMachineRoles"/>, no policy updates: the owner writes every other statement), its log group encrypted
/// with the pipeline's key (retention and removal policy from the context), X-Ray tracing, and the role's policy in place
/// before the state machine exists. The resources are created directly in the owner's scope, so their logical ids are the
/// owner's ("Role", "Logs", "StateMachine").
/// </summary>
internal sealed record PipelineStateMachine(StateMachine StateMachine, Role Role, ILogGroup LogGroup)
{
    public static PipelineStateMachine Create(Construct owner, PipelineStateMachineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var role = StateMachineRoles.Create(owner, "Role", options.RoleDescription);
        var logGroup = new LogGroup(owner, "Logs", new LogGroupProps
        {
            EncryptionKey = options.Context.Key,
            Retention = options.Context.LogRetention,
            RemovalPolicy = options.Context.RemovalPolicy,
        });
        var stateMachine = new StateMachine(owner, "StateMachine", new StateMachineProps
        {
            StateMachineType = options.Type,
            StateMachineName = options.StateMachineName,
            Comment = options.Comment,
            DefinitionBody = DefinitionBody.FromChainable(options.Definition()),
            Role = role.WithoutPolicyUpdates(),
            Timeout = options.Timeout,
            TracingEnabled = true,
            Logs = new LogOptions { Destination = logGroup, Level = options.LogLevel, IncludeExecutionData = options.IncludeExecutionData },
        });
        // The role's policy must exist before the state machine runs anything.
        stateMachine.Node.AddDependency(role);
        return new PipelineStateMachine(stateMachine, role, logGroup);
    }
}
