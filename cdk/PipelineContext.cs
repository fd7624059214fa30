namespace TranscribeStack.Cdk;

/// <summary>
/// What every construct of the pipeline shares, built once by the stack: the environment's name, the pipeline's key
/// (everything stateful is encrypted with it), how long logs are kept, what CloudFormation does with stateful
/// resources when the stack is deleted, and the prefix of this environment's job names.
/// </summary>
public sealed record PipelineContext
{
    public required string EnvironmentName { get; init; }

    public required IKey Key { get; init; }

    /// <summary>Retention of every encrypted log group (state machines, functions).</summary>
    public required RetentionDays LogRetention { get; init; }

    public required RemovalPolicy RemovalPolicy { get; init; }

    /// <summary>Every job this stack starts is named with this prefix (IAM scopes Transcribe and the operators to it).</summary>
    public required string JobNamePrefix { get; init; }
}

/// <summary>The props of a construct that builds resources of the pipeline: the shared <see cref="PipelineContext"/>.</summary>
public abstract class PipelineConstructProps
{
    public required PipelineContext Context { get; init; }
}
