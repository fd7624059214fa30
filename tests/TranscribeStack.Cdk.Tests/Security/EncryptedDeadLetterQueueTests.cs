using TranscribeStack.Cdk.Encryption;

namespace TranscribeStack.Cdk.Tests.Security;

/// <summary>The one shape of the dead-letter queues, alone in a bare stack.</summary>
public sealed class EncryptedDeadLetterQueueTests
{
    private readonly BareStack bare = new();

    [Fact]
    public void Queue_IsEncryptedWithTheContextsKeyAndKeepsMessagesFourteenDays()
    {
        var queue = EncryptedDeadLetterQueue.Create(bare.Stack, "DeadLetters", bare.Context);
        Assert.StartsWith("DeadLetters", bare.LogicalId(queue), StringComparison.Ordinal);
        bare.Template.HasResource("AWS::SQS::Queue", new ObjectDict
        {
            ["Properties"] = new ObjectDict
            {
                ["KmsMasterKeyId"] = Cfn.Arn(bare.LogicalId(bare.Key)),
                ["MessageRetentionPeriod"] = 1_209_600,
            },
            ["DeletionPolicy"] = "Delete",
        });
    }

    [Fact]
    public void Queue_RefusesRequestsWithoutTls()
    {
        EncryptedDeadLetterQueue.Create(bare.Stack, "DeadLetters", bare.Context);
        bare.Template.HasResourceProperties("AWS::SQS::QueuePolicy", new ObjectDict
        {
            ["PolicyDocument"] = new ObjectDict
            {
                ["Statement"] = new[]
                {
                    new ObjectDict
                    {
                        ["Effect"] = "Deny",
                        ["Condition"] = new ObjectDict { ["Bool"] = new ObjectDict { ["aws:SecureTransport"] = "false" } },
                    },
                },
            },
        });
    }

    [Fact]
    public void GrantSendMessage_SendsToThisQueueAndUsesTheKeyOnlyThroughSqsForIt()
    {
        var queue = EncryptedDeadLetterQueue.Create(bare.Stack, "DeadLetters", bare.Context);
        var sender = new Amazon.CDK.AWS.IAM.Role(bare.Stack, "Sender",
            new Amazon.CDK.AWS.IAM.RoleProps { AssumedBy = new Amazon.CDK.AWS.IAM.AccountRootPrincipal() });
        EncryptedDeadLetterQueue.GrantSendMessage(queue, bare.Key, sender);
        bare.Template.HasResourceProperties("AWS::IAM::Policy", new ObjectDict
        {
            ["PolicyDocument"] = new ObjectDict
            {
                ["Statement"] = Match.ArrayWith(
                [
                    Match.ObjectLike(new ObjectDict { ["Action"] = "sqs:SendMessage", ["Resource"] = Cfn.Arn(bare.LogicalId(queue)) }),
                    Match.ObjectLike(new ObjectDict
                    {
                        ["Action"] = new[] { "kms:GenerateDataKey", "kms:Decrypt" },
                        ["Condition"] = new ObjectDict
                        {
                            ["StringEquals"] = Match.ObjectLike(new ObjectDict { ["kms:ViaService"] = Match.AnyValue() }),
                        },
                    }),
                ]),
            },
        });
    }
}
