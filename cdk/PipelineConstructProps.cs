using Amazon.CDK.AWS.Logs;

namespace TranscribeStack.Cdk;

/// <summary>What every construct of the pipeline that holds encrypted, stateful resources is given.</summary>
public abstract class EncryptedConstructProps
{
    /// <summary>The pipeline's key: the construct encrypts everything it holds with it.</summary>
    public required IKey Key { get; init; }

    /// <summary>What CloudFormation does with the construct's stateful resources when the stack is deleted.</summary>
    public required RemovalPolicy RemovalPolicy { get; init; }
}

/// <summary>... and, for a construct that runs and logs (a state machine, a function), how long its logs are kept.</summary>
public abstract class LoggingConstructProps : EncryptedConstructProps
{
    /// <summary>Retention of the construct's encrypted log group.</summary>
    public required RetentionDays LogRetention { get; init; }
}
