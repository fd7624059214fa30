namespace TranscribeStack.Cdk.Tests.Security;

[Collection(SynthesizedStacksCollection.Name)]
public sealed class RoleTests(SynthesizedStacks stacks)
{
    private const string Raw = "arn:" + LogicalIds.RawBucket;
    private const string Transcripts = "arn:" + LogicalIds.TranscriptBucket;
    private const string KeyArn = "arn:" + LogicalIds.Key;
    private const string JobArnPattern = "arn:aws:transcribe:us-east-1:123456789012:transcription-job/transcribestack-dev-*";

    private SynthesizedStack Dev => stacks["dev"];

    private IReadOnlyList<Statement> Caller => Dev.RoleStatements(LogicalIds.WorkflowRole);

    private IReadOnlyList<Statement> PostProcessor => Dev.RoleStatements(LogicalIds.PostProcessorRole);

    public static TheoryData<string, string> Trusts => new()
    {
        { LogicalIds.WorkflowRole, "states.amazonaws.com" },
        { LogicalIds.PostProcessorRole, "lambda.amazonaws.com" },
        { LogicalIds.JobPlannerRole, "lambda.amazonaws.com" },
        { LogicalIds.AdmitterTargetRole, "events.amazonaws.com" },
        { LogicalIds.AdmitterRole, "states.amazonaws.com" },
        { LogicalIds.DoorbellRole, "firehose.amazonaws.com" },
        { LogicalIds.ReprocessingRole, "states.amazonaws.com" },
    };

    [Theory]
    [MemberData(nameof(Trusts))]
    public void Role_IsTrustedByItsOneServiceOnly(string role, string service)
    {
        var trust = Assert.Single(Dev.TrustStatements(role));

        Assert.Equal(["sts:AssumeRole"], trust.Actions);
        Assert.Equal([service], trust.ServicePrincipals);
        Assert.Empty(trust.AwsPrincipals);
    }

    [Theory]
    [InlineData(LogicalIds.WorkflowRole)]
    [InlineData(LogicalIds.AdmitterTargetRole)]
    [InlineData(LogicalIds.AdmitterRole)]
    [InlineData(LogicalIds.DoorbellRole)]
    [InlineData(LogicalIds.ReprocessingRole)]
    public void Role_TrustIsLimitedToThisAccount(string role)
    {
        Assert.Equal("123456789012", Assert.Single(Dev.TrustStatements(role)).Condition("StringEquals", "aws:SourceAccount"));
    }

    [Fact]
    public void Roles_AreOnePerPrincipal()
    {
        // Workflow, Transcribe data access, planner, post-processor, intake admitter and its doorbell rule's target,
        // the doorbell's Firehose role and the upload rule's Firehose target, re-processing, completion notifier and
        // its trigger, execution-end recorder and its trigger (no operators' role without operators.assumedBy).
        Dev.Template.ResourceCountIs("AWS::IAM::Role", 13);
    }

    [Fact]
    public void CallerRole_StartTranscriptionJob_OnlyIntoThisStacksOutput()
    {
        var start = Assert.Single(Caller, s => s.Actions.Contains("transcribe:StartTranscriptionJob"));

        Assert.Equal(["transcribe:StartTranscriptionJob"], start.Actions);
        Assert.Equal(["*"], start.Resources);
        Assert.Equal("ref:" + LogicalIds.TranscriptBucket, start.Condition("StringEquals", "transcribe:OutputBucketName"));
        Assert.Equal("transcripts/", start.Condition("StringEquals", "transcribe:OutputKey"));
        Assert.Equal(KeyArn, start.Condition("StringEquals", "transcribe:OutputEncryptionKMSKeyId"));
    }

    [Fact]
    public void CallerRole_GetJobs_OnlyWithThisStacksJobNamePrefix()
    {
        var jobs = Assert.Single(Caller, s => s.Actions.Contains("transcribe:GetTranscriptionJob"));

        Assert.Equal(["transcribe:GetTranscriptionJob"], jobs.Actions);
        Assert.Equal([JobArnPattern], jobs.Resources);
        Assert.False(Caller.Allows("transcribe:GetTranscriptionJob",
            "arn:aws:transcribe:us-east-1:123456789012:transcription-job/someone-elses-job"));
    }

    [Theory]
    [InlineData("transcribe:StartTranscriptionJob")]
    [InlineData("transcribe:TagResource")]
    public void CallerRole_StartsAndTagsJobs_OnlyWithExactlyThisStacksTags(string action)
    {
        // TagResource has no resource type: the tag keys and values are what limit it.
        var statement = Assert.Single(Caller, s => s.Actions.Contains(action));

        Assert.Equal([action], statement.Actions);
        Assert.Equal("TranscribeStack", statement.Condition("StringEquals", "aws:RequestTag/Application"));
        Assert.Equal("dev", statement.Condition("StringEquals", "aws:RequestTag/Environment"));
        Assert.Equal(["Application", "Environment"], statement.ConditionValues("ForAllValues:StringEquals", "aws:TagKeys"));
    }

    [Fact]
    public void CallerRole_ReadsMediaPrefixOnly()
    {
        Assert.True(Caller.Allows("s3:GetObject", Raw + "/media/talk.mp3"));
        Assert.False(Caller.Allows("s3:GetObject", Raw + "/other/talk.mp3"));
        Assert.False(Caller.Allows("s3:ListBucket", Raw));
        Assert.False(Caller.Allows("s3:PutObject", Raw + "/media/talk.mp3"));
    }

    [Fact]
    public void CallerRole_CanWriteTheWriteAccessCheckFile()
    {
        // StartTranscriptionJob validates output access AS THE CALLER by writing this object first.
        Assert.True(Caller.Allows("s3:PutObject", Transcripts + "/transcripts/.write_access_check_file.temp"));
        Assert.True(Caller.Allows("kms:GenerateDataKey", KeyArn));
    }

    [Fact]
    public void CallerRole_WritesOutputPrefixOnly()
    {
        var put = Assert.Single(Caller, s => s.Actions.Contains("s3:PutObject"));

        Assert.Equal(["s3:PutObject"], put.Actions);
        Assert.Equal([Transcripts + "/transcripts/*"], put.Resources);
        Assert.False(Caller.Allows("s3:PutObject", Transcripts + "/elsewhere/x.json"));
        Assert.False(Caller.Allows("s3:GetObject", Transcripts + "/transcripts/x.json"));
        Assert.False(Caller.Allows("s3:DeleteObject", Transcripts + "/transcripts/x.json"));
    }

    [Fact]
    public void CallerRole_KeyRights_AreEncryptDecryptAndDataKeysOnTheKey()
    {
        var kms = Caller.Where(s => s.Actions.Any(a => a.StartsWith("kms:", StringComparison.Ordinal))).ToList();

        Assert.All(kms, s => Assert.Equal([KeyArn], s.Resources));
        Assert.Equal(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
            kms.SelectMany(s => s.Actions).Distinct().Order(StringComparer.Ordinal));
    }

    public static TheoryData<string, string, string, string?> KeyUses => new()
    {
        // role, service that calls KMS for it, actions, encryption context (aws:<service>:arn or table name)
        { LogicalIds.WorkflowRole, "s3", "kms:Decrypt", Raw },
        { LogicalIds.WorkflowRole, "s3", "kms:Decrypt kms:Encrypt kms:GenerateDataKey", Transcripts },
        { LogicalIds.WorkflowRole, "sqs", "kms:Decrypt kms:GenerateDataKey", "arn:" + LogicalIds.FailureQueue },
        { LogicalIds.WorkflowRole, "dynamodb", "kms:Decrypt kms:Encrypt kms:GenerateDataKey", "ref:" + LogicalIds.Table },
        { LogicalIds.WorkflowRole, "transcribe", "kms:Decrypt kms:Encrypt kms:GenerateDataKey", null },
        { LogicalIds.PostProcessorRole, "s3", "kms:Decrypt", Transcripts },
        { LogicalIds.PostProcessorRole, "dynamodb", "kms:Decrypt kms:Encrypt kms:GenerateDataKey", "ref:" + LogicalIds.Table },
    };

    [Theory]
    [MemberData(nameof(KeyUses))]
    public void Role_KeyRights_OnlyThroughTheServiceThatUsesTheKey(string role, string service, string actions, string? context)
    {
        var kms = Dev.RoleStatements(role).Where(s => s.Actions.Any(a => a.StartsWith("kms:", StringComparison.Ordinal))).ToList();
        var viaService = kms.Where(s => s.Condition("StringEquals", "kms:ViaService") == $"{service}.us-east-1.amazonaws.com"
            && s.Condition("StringEquals", $"kms:EncryptionContext:aws:{service}:arn") == (service == "dynamodb" ? null : context)
            && s.Condition("StringEquals", "kms:EncryptionContext:aws:dynamodb:tableName") == (service == "dynamodb" ? context : null))
                .ToList();

        Assert.Equal(actions.Split(' '), Assert.Single(viaService).Actions);
        Assert.All(kms, s => Assert.NotNull(s.Condition("StringEquals", "kms:ViaService")));
    }

    [Fact]
    public void PostProcessorRole_CannotEncryptThroughS3()
    {
        // Reading a transcript needs kms:Decrypt only; Encrypt and GenerateDataKey are DynamoDB's, for the table.
        var s3 = PostProcessor.Where(s => s.Condition("StringEquals", "kms:ViaService") == "s3.us-east-1.amazonaws.com").ToList();

        Assert.Equal(["kms:Decrypt"], s3.SelectMany(s => s.Actions).Distinct());
    }

    [Fact]
    public void CallerRole_RecordsFailures_PutItemAndSendMessageOnly()
    {
        Assert.True(Caller.Allows("dynamodb:PutItem", "arn:" + LogicalIds.Table));
        Assert.False(Caller.Allows("dynamodb:DeleteItem", "arn:" + LogicalIds.Table));
        Assert.False(Caller.Allows("dynamodb:PutItem", "arn:" + LogicalIds.Table + "/index/byStatus"));
        Assert.True(Caller.Allows("sqs:SendMessage", "arn:" + LogicalIds.FailureQueue));
        Assert.False(Caller.Allows("sqs:ReceiveMessage", "arn:" + LogicalIds.FailureQueue));
    }

    [Fact]
    public void CallerRole_InvokesOnlyThePipelineFunctions()
    {
        var invoke = Assert.Single(Caller, s => s.Actions.Contains("lambda:InvokeFunction"));

        Assert.Equal(
            ["arn:" + LogicalIds.JobPlannerFunction, "arn:" + LogicalIds.PostProcessorFunction,
                "arn:" + LogicalIds.JobPlannerFunction + ":*", "arn:" + LogicalIds.PostProcessorFunction + ":*"],
            invoke.Resources);
    }

    [Fact]
    public void PostProcessorRole_ReadsTranscriptsAndPutsMetadataOnly()
    {
        Assert.True(PostProcessor.Allows("s3:GetObject", Transcripts + "/transcripts/job.json"));
        Assert.False(PostProcessor.Allows("s3:GetObject", Raw + "/media/a.mp3"));
        Assert.False(PostProcessor.Allows("s3:PutObject", Transcripts + "/transcripts/job.json"));
        Assert.True(PostProcessor.Allows("dynamodb:PutItem", "arn:" + LogicalIds.Table));
        Assert.False(PostProcessor.Allows("dynamodb:DeleteItem", "arn:" + LogicalIds.Table));
        Assert.False(PostProcessor.Allows("transcribe:StartTranscriptionJob", "*"));
    }

    [Theory]
    [InlineData(LogicalIds.PostProcessorRole, LogicalIds.PostProcessorLogGroup)]
    [InlineData(LogicalIds.JobPlannerRole, LogicalIds.JobPlannerLogGroup)]
    public void FunctionRole_WritesOnlyItsOwnLogGroup(string role, string logGroup)
    {
        var logs = Assert.Single(Dev.RoleStatements(role), s => s.Actions.Any(a => a.StartsWith("logs:", StringComparison.Ordinal)));

        Assert.Equal(["logs:CreateLogStream", "logs:PutLogEvents"], logs.Actions);
        Assert.Equal(["arn:" + logGroup], logs.Resources);
    }

    [Fact]
    public void JobPlannerRole_HasNoDataAccess()
    {
        var statements = Dev.RoleStatements(LogicalIds.JobPlannerRole);

        Assert.DoesNotContain(statements, s => s.Actions.Any(a => a.StartsWith("s3:", StringComparison.Ordinal)
            || a.StartsWith("dynamodb:", StringComparison.Ordinal) || a.StartsWith("kms:", StringComparison.Ordinal)));
    }

    [Fact]
    public void AdmitterTargetRole_StartsTheAdmitterOnly()
    {
        var statement = Assert.Single(Dev.RoleStatements(LogicalIds.AdmitterTargetRole));

        Assert.Equal(["states:StartExecution"], statement.Actions);
        Assert.Equal(["ref:" + LogicalIds.Admitter], statement.Resources);
    }

    [Fact]
    public void DoorbellTargetRole_PutsRecordsIntoTheDoorbellOnly()
    {
        var statement = Assert.Single(Dev.RoleStatements(LogicalIds.DoorbellTargetRole));

        Assert.Equal(["firehose:PutRecord", "firehose:PutRecordBatch"], statement.Actions.Order(StringComparer.Ordinal));
        Assert.Equal(["arn:" + LogicalIds.DoorbellStream], statement.Resources);
    }

    [Fact]
    public void DoorbellRole_WritesUnderTheSignalPrefixOnly_WithTheKeyThroughS3()
    {
        var statements = Dev.RoleStatements(LogicalIds.DoorbellRole);
        var write = Assert.Single(statements, s => s.Actions.Contains("s3:PutObject"));
        var key = Assert.Single(statements, s => s.Actions.Any(a => a.StartsWith("kms:", StringComparison.Ordinal)));

        Assert.Equal(["s3:AbortMultipartUpload", "s3:PutObject"], write.Actions.Order(StringComparer.Ordinal));
        Assert.Equal(["arn:" + LogicalIds.RawBucket + "/intake-signals/*"], write.Resources);
        Assert.Equal("s3.us-east-1.amazonaws.com", key.Condition("StringEquals", "kms:ViaService"));
        Assert.Equal(2, statements.Count);
    }
}
