namespace TranscribeStack.Cdk.Encryption;

public sealed class PipelineKeyProps
{
    /// <summary>Environment name, used in the alias: alias/transcribestack/&lt;env&gt;.</summary>
    public required string EnvironmentName { get; init; }

    public required RemovalPolicy RemovalPolicy { get; init; }
}

/// <summary>
/// The customer-managed key of the pipeline: buckets, table, queues, topic and log groups.
/// Rotation is on. Its policy keeps CDK's default account-admin statement (which lets IAM policies
/// of this account grant use of the key) and adds only service principals, each to its own resources.
/// </summary>
public sealed class PipelineKey : Construct
{
    public PipelineKey(Construct scope, string id, PipelineKeyProps props)
        : base(scope, id)
    {
        var key = new Key(this, "Key", new KeyProps
        {
            Description = $"TranscribeStack ({props.EnvironmentName}): audio, transcripts, job metadata, queues and logs",
            EnableKeyRotation = true,
            // Transcribe requires a symmetric key for OutputEncryptionKMSKeyId.
            KeySpec = KeySpec.SYMMETRIC_DEFAULT,
            KeyUsage = KeyUsage.ENCRYPT_DECRYPT,
            Alias = $"alias/transcribestack/{props.EnvironmentName}",
            RemovalPolicy = props.RemovalPolicy,
            PendingWindow = Duration.Days(30),
        });
        Key = key;
    }

    public IKey Key { get; }

    /// <summary>
    /// Lets CloudWatch Logs encrypt this stack's log groups. Log group names are generated from the
    /// stack name, so the encryption context is pinned to <c>log-group:&lt;stack&gt;-*</c>; naming each
    /// group would need physical names, and referencing their ARNs would make a cycle (group -> key -> group).
    /// </summary>
    public void AllowCloudWatchLogs()
    {
        var stack = Stack.Of(this);
        Key.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "AllowCloudWatchLogsForThisStacksLogGroups",
            Principals = [new ServicePrincipal($"logs.{stack.Region}.amazonaws.com")],
            // Not kms:DescribeKey: the encryption-context key below does not apply to it, so it never matched.
            Actions = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey"],
            Resources = ["*"],
            Conditions = new Dictionary<string, object>
            {
                ["ArnLike"] = new Dictionary<string, object>
                {
                    ["kms:EncryptionContext:aws:logs:arn"] = stack.FormatArn(new ArnComponents
                    {
                        Service = "logs",
                        Resource = "log-group",
                        ResourceName = $"{stack.StackName}-*",
                        ArnFormat = ArnFormat.COLON_RESOURCE_NAME,
                    }),
                },
            },
        }), false);
    }

    /// <summary>
    /// Lets a service principal (EventBridge delivering to an encrypted dead-letter queue,
    /// CloudWatch alarms publishing to an encrypted topic) use the key for messages, only on behalf
    /// of this account and of sources whose ARN matches <paramref name="sourceArnPattern"/>.
    /// </summary>
    public void AllowServiceToSendEncryptedMessages(string sid, string servicePrincipal, string sourceArnPattern)
    {
        Key.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = sid,
            Principals = [new ServicePrincipal(servicePrincipal)],
            Actions = ["kms:Decrypt", "kms:GenerateDataKey"],
            Resources = ["*"],
            Conditions = ConfusedDeputy.Conditions(sourceArnPattern),
        }), false);
    }

    /// <summary>
    /// The service-principal reading of Transcribe's access model: transcribe.amazonaws.com may decrypt
    /// media and encrypt transcripts, only for this account's Transcribe resources (see <see cref="ConfusedDeputy.TranscribeSourceArn"/>).
    /// With an output encryption context (the jobs' KMSEncryptionContext), encrypting is allowed only with
    /// exactly those pairs: Transcribe documents that the output's KMS requests carry them
    /// (https://docs.aws.amazon.com/transcribe/latest/dg/key-management.html#kms-context). Decrypting
    /// stays without them: the media was encrypted by S3 at upload, with no pairs of ours.
    /// </summary>
    public void AllowTranscribeService(string transcribeSourceArnPattern,
        IReadOnlyDictionary<string, string>? outputEncryptionContext = null)
    {
        var principal = new ServicePrincipal("transcribe.amazonaws.com");
        if (outputEncryptionContext is not { Count: > 0 })
        {
            Key.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
            {
                Sid = "AllowTranscribeServiceForThisStacksJobs",
                Principals = [principal],
                Actions = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
                Resources = ["*"],
                Conditions = ConfusedDeputy.Conditions(transcribeSourceArnPattern),
            }), false);
            return;
        }

        Key.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "AllowTranscribeServiceForThisStacksJobs",
            Principals = [principal],
            Actions = ["kms:Decrypt"],
            Resources = ["*"],
            Conditions = ConfusedDeputy.Conditions(transcribeSourceArnPattern),
        }), false);
        var conditions = ConfusedDeputy.Conditions(transcribeSourceArnPattern);
        var equals = (Dictionary<string, object>)conditions["StringEquals"];
        foreach (var (name, value) in outputEncryptionContext)
        {
            equals[$"kms:EncryptionContext:{name}"] = value;
        }

        Key.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "AllowTranscribeServiceToEncryptThisStacksOutputWithItsContext",
            Principals = [principal],
            Actions = ["kms:Encrypt", "kms:GenerateDataKey"],
            Resources = ["*"],
            Conditions = conditions,
        }), false);
    }

}
