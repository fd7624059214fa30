namespace TranscribeStack.Cdk.Functions;

public sealed class PipelineFunctionProps : PipelineConstructProps
{
    public required string Description { get; init; }

    public required Code Code { get; init; }

    /// <summary>Assembly::Type::Method of a Stream-in/Stream-out handler.</summary>
    public required string Handler { get; init; }

    public required int MemorySizeMb { get; init; }

    public required int TimeoutSeconds { get; init; }

    public int? ReservedConcurrency { get; init; }

    public required bool Tracing { get; init; }

    public required IReadOnlyDictionary<string, string> Environment { get; init; }
}

/// <summary>
/// A C# function on the managed dotnet10 runtime (arm64) with its own role (trusted by Lambda only),
/// its own encrypted log group, and log rights on that group alone.
/// </summary>
public sealed class PipelineFunction : Construct
{
    /// <summary>The managed .NET 10 runtime; this CDK version predates the named constant.</summary>
    public static readonly Runtime Dotnet10 = new("dotnet10", RuntimeFamily.DOTNET_CORE);

    public PipelineFunction(Construct scope, string id, PipelineFunctionProps props)
        : base(scope, id)
    {
        var logGroup = new LogGroup(this, "Logs", new LogGroupProps
        {
            EncryptionKey = props.Context.Key,
            Retention = props.Context.LogRetention,
            RemovalPolicy = props.Context.RemovalPolicy,
        });
        var role = new Role(this, "Role", new RoleProps
        {
            Description = $"{props.Description}: execution role",
            AssumedBy = new ServicePrincipal("lambda.amazonaws.com"),
        });
        // Instead of AWSLambdaBasicExecutionRole (logs on every group of the account): its own group only.
        logGroup.GrantWrite(role);

        Function = new Function(this, "Function", new FunctionProps
        {
            Description = props.Description,
            Runtime = Dotnet10,
            Architecture = Architecture.ARM_64,
            Code = props.Code,
            Handler = props.Handler,
            MemorySize = props.MemorySizeMb,
            Timeout = Duration.Seconds(props.TimeoutSeconds),
            ReservedConcurrentExecutions = props.ReservedConcurrency,
            Tracing = props.Tracing ? Amazon.CDK.AWS.Lambda.Tracing.ACTIVE : Amazon.CDK.AWS.Lambda.Tracing.DISABLED,
            Environment = props.Environment.ToDictionary(e => e.Key, e => e.Value),
            EnvironmentEncryption = props.Context.Key,
            LogGroup = logGroup,
            LoggingFormat = LoggingFormat.JSON,
            Role = role,
        });
        Role = role;
        LogGroup = logGroup;
        Acknowledge(props.ReservedConcurrency is null);
    }

    public IFunction Function { get; }

    public IRole Role { get; }

    public ILogGroup LogGroup { get; }

    private void Acknowledge(bool noReservedConcurrency)
    {
        NagAcknowledgements.AcknowledgeAll(
            Function,
            "The function calls only AWS APIs (S3, DynamoDB, X-Ray) over TLS with IAM authentication and has no network listener; a VPC "
            + "would add NAT or endpoints without reducing exposure. Deploy with VPC endpoints where policy demands it.",
            "HIPAA.Security-LambdaInsideVPC",
            "NIST.800.53.R5-LambdaInsideVPC",
            "PCI.DSS.321-LambdaInsideVPC");
        NagAcknowledgements.AcknowledgeAll(
            Function,
            "Invoked synchronously by the state machine: a failed invocation is caught there and recorded in the metadata table and the "
            + "failure dead-letter queue; an asynchronous DLQ would never receive anything.",
            "HIPAA.Security-LambdaDLQ",
            "NIST.800.53.R5-LambdaDLQ",
            "Serverless-LambdaDLQ");
        NagAcknowledgements.AcknowledgeAll(
            Function,
            "dotnet10 is the newest managed .NET runtime (dotnet8 is deprecated); this cdk-nag release predates it and does not know it.",
            "AwsSolutions-L1",
            "Serverless-LambdaLatestVersion");
        if (noReservedConcurrency)
        {
            NagAcknowledgements.AcknowledgeAll(
                Function,
                "No reserved concurrency in this environment: development accounts often have a concurrency quota of 10, and reserving any "
                + "fails the deployment. staging and prod reserve it.",
                "HIPAA.Security-LambdaConcurrency",
                "NIST.800.53.R5-LambdaConcurrency");
        }

        NagAcknowledgements.AcknowledgeInlinePolicy(Role);
        NagAcknowledgements.Acknowledge(
            NagAcknowledgements.DefaultPolicy(Role),
            new NagAcknowledgement("AwsSolutions-IAM5",
                "X-Ray trace submission has no resource type (see UnscopedActions); the log rights are on the function's own log group's "
                + "streams (log-group:<name>:*)."));
    }
}
