namespace TranscribeStack.Cdk.Encryption;

/// <summary>The one shape of the pipeline's dead-letter queues: KMS-encrypted, TLS-only, 14 days (SQS's maximum).</summary>
internal static class EncryptedDeadLetterQueue
{
    /// <summary>A queue created directly in <paramref name="scope"/>, so its logical id is the caller's.</summary>
    public static Queue Create(Construct scope, string id, PipelineContext context)
    {
        var queue = new Queue(scope, id, new QueueProps
        {
            Encryption = QueueEncryption.KMS,
            EncryptionMasterKey = context.Key,
            EnforceSSL = true,
            RetentionPeriod = Duration.Days(14),
            RemovalPolicy = context.RemovalPolicy,
        });
        NagAcknowledgements.AcknowledgeAll(
            queue,
            "This queue is itself a dead-letter queue (of the workflow's failure branch or of an EventBridge target); a DLQ behind it "
            + "would hide failures from the alarms.",
            "AwsSolutions-SQS3",
            "Serverless-SQSRedrivePolicy");
        return queue;
    }

    /// <summary>
    /// sqs:SendMessage on the queue only, and the key rights SQS uses to encrypt the message, only through
    /// SQS for this queue: the workflow's, the recorder's and the starter's dead letters are sent this way.
    /// </summary>
    public static void GrantSendMessage(IQueue queue, IKey key, IGrantable grantee)
    {
        queue.Grant(grantee, "sqs:SendMessage");
        key.GrantViaService(grantee, "sqs", ["kms:GenerateDataKey", "kms:Decrypt"],
            new KeyValuePair<string, string>("aws:sqs:arn", queue.QueueArn));
    }
}
