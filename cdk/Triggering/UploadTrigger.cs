using Amazon.CDK;
using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.Events.Targets;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.S3;
using Amazon.CDK.AWS.SQS;
using Amazon.CDK.AWS.StepFunctions;
using Constructs;

namespace TranscribeStack.Cdk.Triggering;

public sealed class UploadTriggerProps
{
    public required IBucket RawBucket { get; init; }

    public required string MediaPrefix { get; init; }

    public required IStateMachine StateMachine { get; init; }

    public required IKey Key { get; init; }

    public required RemovalPolicy RemovalPolicy { get; init; }
}

/// <summary>
/// Starts one workflow execution per uploaded media file: an EventBridge rule on the raw bucket's
/// Object Created events under the media prefix with an extension Transcribe accepts (any case),
/// delivered through its own role, retried, and dead-lettered when it cannot be delivered.
/// </summary>
public sealed class UploadTrigger : Construct
{
    /// <summary>The media formats Transcribe's batch API accepts; the extension equals the MediaFormat value.</summary>
    public static IReadOnlyList<string> MediaExtensions { get; } = ["amr", "flac", "m4a", "mp3", "mp4", "ogg", "webm", "wav"];

    public UploadTrigger(Construct scope, string id, UploadTriggerProps props)
        : base(scope, id)
    {
        DeadLetterQueue = Messaging.EncryptedDeadLetterQueue.Create(this, "EventDeadLetterQueue", props.Key, props.RemovalPolicy);

        var role = new Role(this, "TargetRole", new RoleProps
        {
            Description = "TranscribeStack upload trigger: starts workflow executions",
            AssumedBy = new ServicePrincipal("events.amazonaws.com", new ServicePrincipalOpts
            {
                Conditions = new Dictionary<string, object>
                {
                    ["StringEquals"] = new Dictionary<string, object> { ["aws:SourceAccount"] = Stack.Of(this).Account },
                },
            }),
        });
        props.StateMachine.GrantStartExecution(role);

        Rule = new Rule(this, "Rule", new RuleProps
        {
            Description = "Starts a transcription for each media file uploaded under the media prefix",
            EventPattern = new EventPattern
            {
                Source = ["aws.s3"],
                DetailType = ["Object Created"],
                Detail = new Dictionary<string, object>
                {
                    ["bucket"] = new Dictionary<string, object> { ["name"] = new[] { props.RawBucket.BucketName } },
                    ["object"] = new Dictionary<string, object> { ["key"] = KeyPatterns(props.MediaPrefix) },
                },
            },
        });
        Rule.AddTarget(new SfnStateMachine(props.StateMachine, new SfnStateMachineProps
        {
            Role = role,
            DeadLetterQueue = DeadLetterQueue,
            MaxEventAge = Duration.Hours(24),
            RetryAttempts = 185,
        }));
        TargetRole = role;
    }

    public Rule Rule { get; }

    public IRole TargetRole { get; }

    public IQueue DeadLetterQueue { get; }

    /// <summary>
    /// The prefix AND an extension in any case, on the one key field. EventBridge ANDs only different
    /// fields, and "suffix equals-ignore-case" cannot be combined with "prefix" on the same field, so
    /// each extension is spelled in every letter case as a wildcard under the prefix (68 patterns).
    /// </summary>
    public static object[] KeyPatterns(string mediaPrefix) =>
        MediaExtensions
            .SelectMany(CaseVariants)
            .Select(extension => (object)new Dictionary<string, object> { ["wildcard"] = $"{EscapeWildcard(mediaPrefix)}*.{extension}" })
            .ToArray();

    internal static IEnumerable<string> CaseVariants(string text)
    {
        IEnumerable<string> variants = [string.Empty];
        foreach (var c in text)
        {
            var options = char.IsLetter(c)
                ? new[] { char.ToLowerInvariant(c), char.ToUpperInvariant(c) }
                : new[] { c };
            variants = variants.SelectMany(prefix => options.Select(option => prefix + option)).ToList();
        }

        return variants;
    }

    private static string EscapeWildcard(string text) => text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("*", @"\*", StringComparison.Ordinal);
}
