namespace TranscribeStack.Cdk.Tests.Workflow;

/// <summary>The state machine resource and what its states do; where they lead is in <see cref="WorkflowFlowTests"/>.</summary>
[Collection(SynthesizedStacksCollection.Name)]
public sealed class StateMachineTemplateTests(SynthesizedStacks stacks)
{
    private const string StateMachine = "AWS::StepFunctions::StateMachine";
    private const string Start = StateNames.Workflow.StartTranscriptionJob;
    private const string Poll = StateNames.Workflow.GetTranscriptionJobStatus;
    private const string WaitForJob = StateNames.Workflow.WaitForJobToFinish;

    private static readonly string[] TranscribeThrottling = [TranscriptionWorkflow.TranscribeLimitExceeded,
        TranscriptionWorkflow.TranscribeInternalFailure];

    private SynthesizedStack Dev => stacks["dev"];

    private StateMachineDefinition Definition => StateMachineDefinition.Of(Dev);

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void StateMachine_IsStandardWithTracingAndItsRole(string environment)
    {
        stacks[environment].Only(LogicalIds.StateMachine).HasResourceProperties(StateMachine, new ObjectDict
        {
            ["StateMachineType"] = "STANDARD",
            ["TracingConfiguration"] = new ObjectDict { ["Enabled"] = true },
            ["RoleArn"] = Cfn.Arn(LogicalIds.WorkflowRole),
        });
    }

    [Theory]
    [InlineData("dev", "ALL", 14, "Delete")]
    [InlineData("staging", "ALL", 30, "Retain")]
    [InlineData("prod", "ALL", 365, "Retain")]
    public void StateMachine_Logging_GoesToTheEnvironmentsEncryptedGroupWithoutExecutionData(string environment, string level,
        int retentionDays, string removal)
    {
        var stack = stacks[environment];

        stack.Only(LogicalIds.StateMachine).HasResourceProperties(StateMachine, new ObjectDict
        {
            ["LoggingConfiguration"] = new ObjectDict
            {
                ["Level"] = level,
                ["IncludeExecutionData"] = false,
                ["Destinations"] = new object[]
                {
                    new ObjectDict
                    {
                        ["CloudWatchLogsLogGroup"] = new ObjectDict { ["LogGroupArn"] = Cfn.Arn(LogicalIds.WorkflowLogGroup) },
                    },
                },
            },
        });
        stack.Only(LogicalIds.WorkflowLogGroup).HasResource("AWS::Logs::LogGroup", new ObjectDict
        {
            ["Properties"] = new ObjectDict { ["KmsKeyId"] = Cfn.Arn(LogicalIds.Key), ["RetentionInDays"] = retentionDays },
            ["DeletionPolicy"] = removal,
            ["UpdateReplacePolicy"] = removal,
        });
    }

    [Fact]
    public void StateMachine_WaitsForItsRolePolicy()
    {
        Dev.Only(LogicalIds.StateMachine).HasResource(StateMachine, new ObjectDict
        {
            ["DependsOn"] = Match.ArrayWith([LogicalIds.WorkflowRolePolicy]),
        });
    }

    [Fact]
    public void StartJob_CallsTranscribeWithOutputToThePrefixEncryptedWithTheKey()
    {
        Definition.HasState(Start, new ObjectDict
        {
            ["Resource"] = "arn:aws:states:::aws-sdk:transcribe:startTranscriptionJob",
            ["Parameters"] = new ObjectDict
            {
                ["TranscriptionJobName.$"] = "$.job.jobName",
                ["Media"] = new ObjectDict { ["MediaFileUri.$"] = "$.job.mediaUri" },
                ["MediaFormat.$"] = "$.job.mediaFormat",
                ["OutputBucketName"] = "ref:" + LogicalIds.TranscriptBucket,
                ["OutputKey"] = "transcripts/",
                ["OutputEncryptionKMSKeyId"] = "arn:" + LogicalIds.Key,
                ["LanguageCode"] = "en-US",
                ["Settings"] = new ObjectDict { ["MaxSpeakerLabels"] = 4 },
                ["Tags"] = new object[] { Cfn.Tag("Application", "TranscribeStack"), Cfn.Tag("Environment", "dev") },
            },
        });
    }

    [Theory]
    [InlineData("dev", 20, 300)]
    [InlineData("staging", 20, 300)]
    [InlineData("prod", 20, 300)]
    public void StartJob_RetriesThrottlingWithCappedFullJitterBackoffLongEnoughForTheEnvironmentsBursts(string environment, int attempts,
        int maxDelaySeconds)
    {
        StateMachineDefinition.Of(stacks[environment]).HasState(Start, new ObjectDict
        {
            ["Retry"] = new object[]
            {
                new ObjectDict
                {
                    ["ErrorEquals"] = TranscribeThrottling,
                    ["JitterStrategy"] = "FULL",
                    ["BackoffRate"] = 2,
                    ["MaxAttempts"] = attempts,
                    ["MaxDelaySeconds"] = maxDelaySeconds,
                },
            },
        });
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Poll_RetriesWithTheShorterPollBudgetInEveryEnvironment(string environment)
    {
        // Every poll of a plan may be retried: 6 attempts keep prod's 40-hour plan under 25,000 history events.
        StateMachineDefinition.Of(stacks[environment]).HasState(Poll, new ObjectDict
        {
            ["Retry"] = new object[]
            {
                new ObjectDict
                {
                    ["ErrorEquals"] = new[] { "Transcribe.LimitExceededException", "Transcribe.InternalFailureException" },
                    ["JitterStrategy"] = "FULL",
                    ["MaxAttempts"] = 6,
                    ["MaxDelaySeconds"] = 60,
                },
            },
        });
    }

    [Fact]
    public void StartJob_JoinsOnConflictAndRecordsABadRequestOnly()
    {
        Definition.HasState(Start, new ObjectDict
        {
            ["Catch"] = new object[]
            {
                new ObjectDict
                {
                    ["ErrorEquals"] = new[] { TranscriptionWorkflow.TranscribeConflict },
                    ["Next"] = StateNames.Workflow.JoinExistingJob,
                },
                // Throttling after the retry budget is passing: not caught, the execution is redriven from the start.
                new ObjectDict
                {
                    ["ErrorEquals"] = new[] { "Transcribe.BadRequestException" },
                    ["ResultPath"] = "$.error",
                    ["Next"] = StateNames.Workflow.DescribeFailedStep,
                },
            },
        });
    }

    [Theory]
    [InlineData("Transcribe.BadRequestException")]
    [InlineData("States.ALL")]
    public void StartJob_DoesNotRetry(string error)
    {
        Definition.HasState(Start, new ObjectDict
        {
            ["Retry"] = Match.Not(Match.ArrayWith([Match.ObjectLike(new ObjectDict { ["ErrorEquals"] = Match.ArrayWith([error]) })])),
        });
    }

    [Theory]
    [InlineData(StateNames.Workflow.PlanTranscriptionJob, StateNames.Workflow.DoesInputNameUpload)]
    [InlineData(Start, StateNames.Workflow.DescribeFailedStep)]
    [InlineData(Poll, StateNames.Workflow.DescribeFailedStep)]
    [InlineData(StateNames.Workflow.RecordTranscriptMetadata, StateNames.Workflow.DescribeFailedStep)]
    public void EveryTask_CatchesItsPermanentFailuresKeepingTheInput(string state, string describeFailure)
    {
        Definition.HasState(state, new ObjectDict
        {
            ["Catch"] = Match.ArrayWith([Match.ObjectLike(new ObjectDict { ["ResultPath"] = "$.error", ["Next"] = describeFailure })]),
        });
    }

    [Fact]
    public void Polling_FollowsThePlannersPacingAndEndsWithThePlan()
    {
        // Only after a token could not be stored: the shortest interval, then a poll.
        Definition.HasState(StateNames.Workflow.WaitBeforePolling, new ObjectDict { ["Seconds"] = 60, ["Next"] = Poll });
        Definition.HasState(WaitForJob, new ObjectDict { ["TimeoutSecondsPath"] = "$.job.polling.waitSeconds" });
        Definition.HasState(Start, new ObjectDict { ["Next"] = WaitForJob });
        Definition.HasState(StateNames.Workflow.JoinExistingJob, new ObjectDict { ["Next"] = WaitForJob });
        Definition.HasState(StateNames.Workflow.ScheduleNextPoll, new ObjectDict { ["Next"] = WaitForJob });
        Definition.HasState(StateNames.Workflow.ScheduleNextPoll, new ObjectDict
        {
            ["ResultPath"] = "$.job.polling",
            ["Parameters"] = new ObjectDict
            {
                ["waitSeconds.$"] = "States.ArrayGetItem($.job.polling.laterWaitSeconds, $.job.polling.laterPollsMade)",
                ["laterPollsMade.$"] = "States.MathAdd($.job.polling.laterPollsMade, 1)",
            },
        });
        Definition.HasState(StateNames.Workflow.CheckJobStatus, new ObjectDict
        {
            ["Choices"] = Match.ArrayWith(
            [
                new ObjectDict
                {
                    ["And"] = Match.ArrayWith([Match.ObjectEquals(new ObjectDict
                    {
                        ["Variable"] = "$.job.polling.laterPollsMade",
                        ["NumericGreaterThanEqualsPath"] = "$.job.polling.laterPolls",
                    })]),
                    ["Next"] = StateNames.Workflow.DescribeJobThatDidNotFinish,
                },
            ]),
        });
    }

    [Fact]
    public void PostProcessing_RetriesOnlyLambdaServiceErrors()
    {
        Definition.HasState(StateNames.Workflow.RecordTranscriptMetadata, new ObjectDict
        {
            ["Resource"] = "arn:" + LogicalIds.PostProcessorFunction,
            ["Retry"] = new object[]
            {
                new ObjectDict
                {
                    ["ErrorEquals"] = new[]
                    {
                        "Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
                        "Lambda.TooManyRequestsException", "Lambda.ClientExecutionTimeoutException",
                    },
                },
            },
        });
    }

    [Fact]
    public void FailureBranch_RecordsConditionallyThenDeadLettersThenFails()
    {
        const string Send = StateNames.Workflow.SendFailureToDeadLetterQueue;

        Definition.HasState(StateNames.Workflow.RecordFailureInMetadataTable, new ObjectDict
        {
            ["Resource"] = "arn:aws:states:::dynamodb:putItem",
            ["Parameters"] = new ObjectDict
            {
                ["ConditionExpression"] = "attribute_not_exists(jobName) OR #status <> :completed",
                ["Item"] = new ObjectDict { ["status"] = new ObjectDict { ["S"] = "FAILED" } },
            },
            ["Next"] = Send,
            ["Catch"] = new object[] { new ObjectDict { ["ErrorEquals"] = new[] { "States.ALL" }, ["Next"] = Send } },
        });
        Definition.HasState(Send, new ObjectDict
        {
            ["Resource"] = "arn:aws:states:::sqs:sendMessage",
            ["Parameters"] = new ObjectDict { ["QueueUrl"] = "ref:" + LogicalIds.FailureQueue },
            ["Next"] = StateNames.Workflow.FreeFailedUploadsSlot,
        });
        Definition.HasState(StateNames.Workflow.TranscriptionFailed, new ObjectDict
        {
            ["Type"] = "Fail",
            ["ErrorPath"] = "$.failure.error",
            ["CausePath"] = "$.failure.reason",
        });
    }

    [Theory]
    [InlineData("dev", 12 * 60 * 60)]
    [InlineData("staging", 12 * 60 * 60)]
    [InlineData("prod", 28 * 60 * 60)]
    public void Definition_ExecutionTimeout_FollowsSettings(string environment, int seconds)
    {
        Assert.Equal(seconds, StateMachineDefinition.Of(stacks[environment]).TimeoutSeconds);
    }

    [Theory]
    [InlineData("staging")]
    [InlineData("prod")]
    public void StartJob_WithPiiRedaction_RedactsAndWritesSubtitles(string environment)
    {
        StateMachineDefinition.Of(stacks[environment]).HasState(Start, new ObjectDict
        {
            ["Parameters"] = new ObjectDict
            {
                ["ContentRedaction"] = new ObjectDict { ["RedactionType"] = "PII" },
                ["Subtitles"] = new ObjectDict { ["Formats"] = new[] { "vtt" } },
            },
        });
    }

    [Fact]
    public void StartJob_InDev_NeitherRedactsNorWritesSubtitles()
    {
        Definition.HasState(Start, new ObjectDict
        {
            ["Parameters"] = new ObjectDict { ["ContentRedaction"] = Match.Absent(), ["Subtitles"] = Match.Absent() },
        });
    }

    [Fact]
    public void Planning_NamesTheJobAfterTheExecution()
    {
        // The planner names the job prefix + execution name (JobNames); a failed planning's item has the same name.
        Definition.HasState(StateNames.Workflow.PlanTranscriptionJob, new ObjectDict
        {
            // The function's whole input (PayloadResponseOnly): {"executionName": <name>, "upload": <the execution's input>}.
            ["Parameters"] = Match.ObjectEquals(new ObjectDict { ["executionName.$"] = "$$.Execution.Name", ["upload.$"] = "$" }),
        });
        foreach (var describe in new[] { StateNames.Workflow.DescribePlanningFailure,
            StateNames.Workflow.DescribePlanningFailureOfIncompleteInput })
        {
            Definition.HasState(describe, new ObjectDict
            {
                ["Parameters"] = new ObjectDict { ["jobName.$"] = "States.Format('transcribestack-dev-{}', $$.Execution.Name)" },
            });
        }
    }

    [Fact]
    public void Planning_SkippedUploadIsRecordedAsSkippedAndSucceeds()
    {
        Definition.HasState(StateNames.Workflow.PlanTranscriptionJob, new ObjectDict { ["Next"] = StateNames.Workflow.IsUploadMediaFile });
        Definition.HasState(StateNames.Workflow.IsUploadMediaFile, new ObjectDict
        {
            ["Choices"] = new object[]
            {
                Match.ObjectEquals(new ObjectDict
                {
                    ["Variable"] = "$.job.skipped",
                    ["IsPresent"] = true,
                    ["Next"] = StateNames.Workflow.RecordSkippedUpload,
                }),
            },
            ["Default"] = Start,
        });
        Definition.HasState(StateNames.Workflow.RecordSkippedUpload, new ObjectDict
        {
            ["Parameters"] = new ObjectDict
            {
                ["Item"] = new ObjectDict
                {
                    ["status"] = new ObjectDict { ["S"] = "SKIPPED" },
                    ["skipReason"] = new ObjectDict { ["S.$"] = "$.job.skipped.reason" },
                },
                // The same condition as the failure record: COMPLETED is final.
                ["ConditionExpression"] = JobMetadataSchema.CompletedIsFinal,
            },
            ["Next"] = StateNames.Workflow.FreeSkippedUploadsSlot,
            ["Catch"] = new object[] { new ObjectDict { ["Next"] = StateNames.Workflow.DescribeFailedStep } },
        });
        Definition.HasState(StateNames.Workflow.UploadSkipped, new ObjectDict { ["Type"] = "Succeed" });
    }

    [Fact]
    public void WaitForTheJob_StoresItsTokenInTheJobsItemAndPollsWhenNoEventComes()
    {
        // A callback on an AWS SDK integration: the call returns at once, the task waits for SendTaskSuccess.
        Definition.HasState(WaitForJob, new ObjectDict
        {
            ["Resource"] = "arn:aws:states:::aws-sdk:dynamodb:updateItem.waitForTaskToken",
            ["Parameters"] = new ObjectDict
            {
                ["TableName"] = "ref:" + LogicalIds.Table,
                ["ExpressionAttributeValues"] = new ObjectDict
                {
                    [":taskToken"] = new ObjectDict { ["S.$"] = "$$.Task.Token" },
                    [":transcribing"] = new ObjectDict { ["S"] = "TRANSCRIBING" },
                },
                // Or the FAILED item of this very execution: a redrive waits for the job again.
                ["ConditionExpression"] = "attribute_not_exists(#jobName) OR #status = :transcribing OR (#status = :failed AND " +
                    "#executionArn = :executionArn)",
            },
            ["Next"] = Poll,
            ["Catch"] = new object[]
            {
                new ObjectDict { ["ErrorEquals"] = new[] { "States.Timeout" }, ["Next"] = Poll },
                // A final item (a duplicate of a recorded, ended job): nothing would wake the wait, so poll at once.
                new ObjectDict { ["ErrorEquals"] = new[] { "DynamoDb.ConditionalCheckFailedException" }, ["Next"] = Poll },
                new ObjectDict { ["ErrorEquals"] = new[] { "States.ALL" }, ["Next"] = StateNames.Workflow.WaitBeforePolling },
            },
            // DynamoDB's throttling: the token is stored again, a few times.
            ["Retry"] = new object[]
            {
                Match.ObjectLike(
                    new ObjectDict { ["ErrorEquals"] = Match.ArrayWith(["DynamoDb.ThrottlingException"]), ["MaxAttempts"] = 3 }),
            },
        });
        // A waiting item keeps the start of the first execution that waited for its job, before that job was
        // created: the status index lists the longest waits first.
        Definition.HasState(WaitForJob, new ObjectDict
        {
            ["Parameters"] = Match.ObjectLike(new ObjectDict
            {
                ["UpdateExpression"] = Match.StringLikeRegexp(@"#updatedAt = if_not_exists\(#updatedAt, :started\)"),
                ["ExpressionAttributeValues"] =
                    Match.ObjectLike(new ObjectDict { [":started"] = new ObjectDict { ["S.$"] = "$$.Execution.StartTime" } }),
            }),
        });
    }

    [Fact]
    public void FailureQueue_KeepsMessagesFourteenDays()
    {
        Dev.Only(LogicalIds.FailureQueue)
            .HasResourceProperties("AWS::SQS::Queue", new ObjectDict { ["MessageRetentionPeriod"] = 1_209_600 });
    }
}
