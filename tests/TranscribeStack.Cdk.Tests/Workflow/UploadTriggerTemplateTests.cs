namespace TranscribeStack.Cdk.Tests.Workflow;

[Collection(SynthesizedStacksCollection.Name)]
public sealed class UploadTriggerTemplateTests(SynthesizedStacks stacks)
{
    private const string Rule = "AWS::Events::Rule";

    private SynthesizedStack Dev => stacks["dev"];

    [Fact]
    public void Rule_MatchesObjectCreatedInTheRawBucket()
    {
        Dev.Only(LogicalIds.Rule).HasResourceProperties(Rule, new ObjectDict
        {
            ["EventPattern"] = new ObjectDict
            {
                ["source"] = new[] { "aws.s3" },
                ["detail-type"] = new[] { "Object Created" },
                ["detail"] = new ObjectDict { ["bucket"] = new ObjectDict { ["name"] = new[] { Cfn.Ref(LogicalIds.RawBucket) } } },
            },
        });
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Rule_KeyFilter_IsTheMediaPrefixAloneWithNoWildcard(string environment)
    {
        // A prefix matcher adds no complexity; the planner records non-media objects as SKIPPED.
        stacks[environment].Only(LogicalIds.Rule).HasResourceProperties(Rule, new ObjectDict
        {
            ["EventPattern"] = new ObjectDict
            {
                ["detail"] = new ObjectDict
                {
                    ["object"] = Match.ObjectEquals(new ObjectDict { ["key"] = new[] { new ObjectDict { ["prefix"] = "media/" } } }),
                },
            },
        });
    }

    [Fact]
    public void Rule_PutsTheEventIntoTheIntake_AndRingsTheDoorbell_AndNothingElse()
    {
        // The intake first: SQS takes any burst, so the event is stored before any call a quota can refuse.
        Dev.Only(LogicalIds.Rule).HasResourceProperties(Rule, new ObjectDict
        {
            ["Targets"] = new object[]
            {
                new ObjectDict
                {
                    ["Arn"] = Cfn.Arn(LogicalIds.IntakeQueue),
                    ["DeadLetterConfig"] = new ObjectDict { ["Arn"] = Cfn.Arn(LogicalIds.EventDeadLetterQueue) },
                    ["RetryPolicy"] = new ObjectDict { ["MaximumEventAgeInSeconds"] = 86400, ["MaximumRetryAttempts"] = 185 },
                },
                Match.ObjectLike(new ObjectDict
                {
                    ["Arn"] = Cfn.Arn(LogicalIds.DoorbellStream),
                    ["RoleArn"] = Cfn.Arn(LogicalIds.DoorbellTargetRole),
                    ["Input"] = "\"upload\"",
                }),
            },
        });
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void IntakeQueue_KeepsUploadsFourteenDays_EncryptedWithItsOwnDeadLetterQueue(string environment)
    {
        stacks[environment].Only(LogicalIds.IntakeQueue).HasResourceProperties("AWS::SQS::Queue", new ObjectDict
        {
            ["MessageRetentionPeriod"] = 1_209_600,
            // Longer than an admitter's run: a received upload is not seen again while it is admitted.
            ["VisibilityTimeout"] = 300,
            ["KmsMasterKeyId"] = Cfn.Arn(LogicalIds.Key),
            ["RedrivePolicy"] = new ObjectDict
            {
                ["deadLetterTargetArn"] = Cfn.Arn(LogicalIds.IntakeDeadLetterQueue),
                ["maxReceiveCount"] = 10,
            },
        });
    }

    [Fact]
    public void IntakeQueue_AcceptsEventsOnlyFromThisRule()
    {
        Dev.QueueAllowsOnlyTheRule(LogicalIds.IntakeQueue, LogicalIds.Rule);
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Doorbell_BuffersFiveSecondsIntoTheSignalPrefix_Encrypted(string environment)
    {
        stacks[environment].Only(LogicalIds.DoorbellStream).HasResourceProperties("AWS::KinesisFirehose::DeliveryStream", new ObjectDict
        {
            ["DeliveryStreamType"] = "DirectPut",
            ["DeliveryStreamEncryptionConfigurationInput"] = new ObjectDict { ["KeyType"] = "AWS_OWNED_CMK" },
            ["ExtendedS3DestinationConfiguration"] = Match.ObjectLike(new ObjectDict
            {
                ["BucketARN"] = Cfn.Arn(LogicalIds.RawBucket),
                ["Prefix"] = "intake-signals/",
                ["BufferingHints"] = new ObjectDict { ["IntervalInSeconds"] = 5, ["SizeInMBs"] = 128 },
                ["EncryptionConfiguration"] =
                    new ObjectDict { ["KMSEncryptionConfig"] = new ObjectDict { ["AWSKMSKeyARN"] = Cfn.Arn(LogicalIds.Key) } },
            }),
        });
    }

    [Fact]
    public void EventDeadLetterQueue_AcceptsOnlyThisRule()
    {
        var allow = Dev.QueueAllowsOnlyTheRule(LogicalIds.EventDeadLetterQueue, LogicalIds.Rule);

        Assert.Equal(["arn:" + LogicalIds.EventDeadLetterQueue], allow.Resources);
    }
}
