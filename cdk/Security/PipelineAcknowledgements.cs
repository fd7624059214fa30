using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Constructs;
using TranscribeStack.Cdk.Configuration;

namespace TranscribeStack.Cdk.Security;

/// <summary>
/// The cdk-nag findings this app accepts, each with its reason, per environment where they differ.
/// Listed in SECURITY.md; the check (tests/nag) fails on any finding not acknowledged here or next
/// to its resource.
/// </summary>
internal static class PipelineAcknowledgements
{
    private const string Replication =
        "Cross-region replication needs a replica bucket and region the operator owns; versioning, lifecycle retention and retained buckets in staging/prod cover recovery in-region. Add replication where the organisation's DR policy requires it.";

    private const string InlinePolicy =
        "A role-specific policy created with its one role (the CDK grant model): a customer-managed policy could be attached to other principals, which least privilege avoids.";

    private const string NotInVpc =
        "The function calls only S3, DynamoDB and X-Ray over TLS with IAM authentication and has no network listener; a VPC would add NAT or endpoints without reducing exposure. Deploy with VPC endpoints where policy demands it.";

    private const string SynchronousInvoke =
        "Invoked synchronously by the state machine: a failed invocation is caught there and recorded in the metadata table and the failure dead-letter queue; an asynchronous DLQ would never receive anything.";

    private const string NewestRuntime =
        "dotnet10 is the newest managed .NET runtime (dotnet8 is deprecated); this cdk-nag release predates it and does not know it.";

    private const string IsDeadLetterQueue =
        "This queue is itself the dead-letter queue (of the workflow's failure branch or of the EventBridge target); a DLQ behind it would hide failures from the alarms.";

    private const string BackupPlan =
        "Point-in-time recovery (35 days of continuous backups) is on; an AWS Backup plan is an account-level concern owned by the platform's backup policy, not by this stack.";

    public static void Apply(TranscriptionPipelineStack stack, EnvironmentSettings settings)
    {
        foreach (var bucket in new IConstruct[] { stack.AccessLogs.Bucket, stack.Media.Bucket, stack.Transcripts.Bucket })
        {
            AcknowledgeAll(bucket, Replication, "HIPAA.Security-S3BucketReplicationEnabled", "NIST.800.53.R5-S3BucketReplicationEnabled", "PCI.DSS.321-S3BucketReplicationEnabled");
        }

        AcknowledgeAll(stack.Metadata.Table, BackupPlan, "HIPAA.Security-DynamoDBInBackupPlan", "NIST.800.53.R5-DynamoDBInBackupPlan");

        var roles = new List<IRole> { stack.Workflow.Role, stack.Planner.Role, stack.PostProcessor.Role, stack.Trigger.TargetRole };
        if (stack.Workflow.DataAccessRole is { } dataAccess)
        {
            roles.Add(dataAccess);
            NagAcknowledgements.Acknowledge(
                DefaultPolicy(dataAccess),
                new NagAcknowledgement("AwsSolutions-IAM5", $"Objects under the media prefix ({settings.Storage.MediaPrefix}*) are read and objects under the transcript prefix ({settings.Storage.TranscriptPrefix}*) are written by queued Transcribe jobs."));
        }

        foreach (var role in roles)
        {
            AcknowledgeAll(DefaultPolicy(role), InlinePolicy, "HIPAA.Security-IAMNoInlinePolicy", "NIST.800.53.R5-IAMNoInlinePolicy", "PCI.DSS.321-IAMNoInlinePolicy");
        }

        NagAcknowledgements.Acknowledge(
            DefaultPolicy(stack.Planner.Role),
            new NagAcknowledgement("AwsSolutions-IAM5", "X-Ray trace submission has no resource type (see UnscopedActions); the log rights are on the function's own log group's streams (log-group:<name>:*)."));
        NagAcknowledgements.Acknowledge(
            DefaultPolicy(stack.PostProcessor.Role),
            new NagAcknowledgement("AwsSolutions-IAM5", $"Objects under the transcript prefix ({settings.Storage.TranscriptPrefix}*) are the function's input; X-Ray has no resource type; log rights are on its own log group's streams."));

        foreach (var function in new[] { stack.Planner.Function, stack.PostProcessor.Function })
        {
            AcknowledgeAll(function, NotInVpc, "HIPAA.Security-LambdaInsideVPC", "NIST.800.53.R5-LambdaInsideVPC", "PCI.DSS.321-LambdaInsideVPC");
            AcknowledgeAll(function, SynchronousInvoke, "HIPAA.Security-LambdaDLQ", "NIST.800.53.R5-LambdaDLQ", "Serverless-LambdaDLQ");
            AcknowledgeAll(function, NewestRuntime, "AwsSolutions-L1", "Serverless-LambdaLatestVersion");
            if (settings.PostProcessor.ReservedConcurrency is null)
            {
                AcknowledgeAll(
                    function,
                    $"No reserved concurrency in {settings.Name}: development accounts often have a concurrency quota of 10, and reserving any fails the deployment. staging and prod reserve it.",
                    "HIPAA.Security-LambdaConcurrency",
                    "NIST.800.53.R5-LambdaConcurrency");
            }
        }

        foreach (var queue in new IConstruct[] { stack.Workflow.FailureQueue, stack.Trigger.DeadLetterQueue })
        {
            AcknowledgeAll(queue, IsDeadLetterQueue, "AwsSolutions-SQS3", "Serverless-SQSRedrivePolicy");
        }
    }

    private static void AcknowledgeAll(IConstruct construct, string reason, params string[] rules) =>
        NagAcknowledgements.Acknowledge(construct, rules.Select(rule => new NagAcknowledgement(rule, reason)).ToArray());

    private static IConstruct DefaultPolicy(IRole role) =>
        role.Node.TryFindChild("DefaultPolicy") ?? throw new InvalidOperationException($"{role.Node.Path} has no default policy");
}
