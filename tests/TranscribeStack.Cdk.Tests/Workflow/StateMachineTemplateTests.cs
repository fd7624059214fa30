using System.Text.Json.Nodes;
using TranscribeStack.Cdk.Tests.Support;
using TranscribeStack.Cdk.Workflow;

namespace TranscribeStack.Cdk.Tests.Workflow;

[Collection(SynthesizedStacksCollection.Name)]
public sealed class StateMachineTemplateTests(SynthesizedStacks stacks)
{
    private SynthesizedStack Dev => stacks["dev"];

    private JsonObject Definition => StateMachineDefinition.Of(Dev);

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void StateMachine_IsStandardWithTracingAndItsRole(string environment)
    {
        var properties = stacks[environment].Properties(LogicalIds.StateMachine);

        Assert.Equal("STANDARD", properties["StateMachineType"]!.GetValue<string>());
        Assert.True(properties["TracingConfiguration"]!["Enabled"]!.GetValue<bool>());
        Assert.Equal("arn:" + LogicalIds.WorkflowRole, Rendered.Text(properties["RoleArn"]));
    }

    [Theory]
    [InlineData("dev", "ALL")]
    [InlineData("staging", "ALL")]
    [InlineData("prod", "ALL")]
    public void StateMachine_LogsToEncryptedGroupWithoutExecutionData(string environment, string level)
    {
        var logging = stacks[environment].Properties(LogicalIds.StateMachine)["LoggingConfiguration"]!;

        Assert.Equal(level, logging["Level"]!.GetValue<string>());
        Assert.False(logging["IncludeExecutionData"]!.GetValue<bool>());
        Assert.Equal("arn:WorkflowLogs8B0907C7", Rendered.Text(logging["Destinations"]![0]!["CloudWatchLogsLogGroup"]!["LogGroupArn"]));
    }

    [Fact]
    public void StateMachine_WaitsForItsRolePolicy()
    {
        var dependsOn = Dev.Resources[LogicalIds.StateMachine]!["DependsOn"]!.AsArray().Select(d => d!.GetValue<string>());

        Assert.Contains("WorkflowRoleDefaultPolicy3B788295", dependsOn);
    }

    [Fact]
    public void Definition_StatesReadAsARunbook()
    {
        var names = Definition["States"]!.AsObject().Select(s => s.Key).Order(StringComparer.Ordinal);

        Assert.Equal(
        new[]
        {
            "Check the job status", "Describe the failed step", "Describe the planning failure of an incomplete input", "Does the input name the upload?", "Describe the failed transcription", "Describe the job that did not finish",
            "Is the upload a media file?", "Record the skipped upload", "Upload skipped",
            "Describe the planning failure", "Describe the unexpected job status", "Get the transcription job status", "Join the existing job",
            "Plan the transcription job", "Record the failure in the metadata table", "Record the transcript metadata", "Schedule the next poll",
            "Send the failure to the dead-letter queue", "Start the transcription job", "Transcription failed",
            "Transcription recorded", "Wait before polling", "Wait for the job to finish",
        }.Order(StringComparer.Ordinal), names);
        Assert.Equal("Plan the transcription job", Definition["StartAt"]!.GetValue<string>());
    }

    [Fact]
    public void StartJob_CallsTranscribeWithOutputToThePrefixEncryptedWithTheKey()
    {
        var start = Definition.State("Start the transcription job");
        var parameters = start["Parameters"]!;

        Assert.Equal("arn:aws:states:::aws-sdk:transcribe:startTranscriptionJob", start["Resource"]!.GetValue<string>());
        Assert.Equal("ref:" + LogicalIds.TranscriptBucket, parameters["OutputBucketName"]!.GetValue<string>());
        Assert.Equal("transcripts/", parameters["OutputKey"]!.GetValue<string>());
        Assert.Equal("arn:" + LogicalIds.Key, parameters["OutputEncryptionKMSKeyId"]!.GetValue<string>());
        Assert.Equal("$.job.jobName", parameters["TranscriptionJobName.$"]!.GetValue<string>());
        Assert.Equal("$.job.mediaFormat", parameters["MediaFormat.$"]!.GetValue<string>());
        Assert.Equal("en-US", parameters["LanguageCode"]!.GetValue<string>());
        Assert.Equal(4, parameters["Settings"]!["MaxSpeakerLabels"]!.GetValue<int>());
        Assert.Contains(parameters["Tags"]!.AsArray(), t => t!["Key"]!.GetValue<string>() == "Environment" && t["Value"]!.GetValue<string>() == "dev");
    }

    [Fact]
    public void StartJob_RetriesThrottlingWithCappedFullJitterBackoff()
    {
        var retry = Assert.Single(Definition.State("Start the transcription job")["Retry"]!.AsArray())!;

        Assert.Equal(
            [TranscriptionWorkflow.TranscribeLimitExceeded, TranscriptionWorkflow.TranscribeInternalFailure],
            retry["ErrorEquals"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.Equal("FULL", retry["JitterStrategy"]!.GetValue<string>());
        Assert.Equal(2, retry["BackoffRate"]!.GetValue<double>());
        Assert.Equal(Dev.Settings.Workflow.StartJobRetryMaxAttempts, retry["MaxAttempts"]!.GetValue<int>());
        Assert.Equal(Dev.Settings.Workflow.StartJobRetryMaxBackoffSeconds, retry["MaxDelaySeconds"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("dev", 8, 60)]
    [InlineData("staging", 8, 60)]
    [InlineData("prod", 20, 300)]
    public void StartJob_RetriesThrottlingLongEnoughForTheEnvironmentsBursts(string environment, int attempts, int maxDelaySeconds)
    {
        var retry = Assert.Single(StateMachineDefinition.Of(stacks[environment]).State("Start the transcription job")["Retry"]!.AsArray())!;

        Assert.Equal(attempts, retry["MaxAttempts"]!.GetValue<int>());
        Assert.Equal(maxDelaySeconds, retry["MaxDelaySeconds"]!.GetValue<int>());
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Poll_RetriesWithTheShorterPollBudgetInEveryEnvironment(string environment)
    {
        // Every poll of a plan may be retried: 8 attempts keep prod's 40-hour plan under 25,000 history events.
        var retry = Assert.Single(StateMachineDefinition.Of(stacks[environment]).State("Get the transcription job status")["Retry"]!.AsArray())!;

        Assert.Equal(8, retry["MaxAttempts"]!.GetValue<int>());
        Assert.Equal(60, retry["MaxDelaySeconds"]!.GetValue<int>());
        Assert.Equal(["Transcribe.LimitExceededException", "Transcribe.InternalFailureException"], retry["ErrorEquals"]!.AsArray().Select(e => e!.GetValue<string>()));
    }

    [Fact]
    public void StartJob_JoinsOnConflictAndRecordsEverythingElse()
    {
        var catches = Definition.State("Start the transcription job")["Catch"]!.AsArray();

        Assert.Equal(TranscriptionWorkflow.TranscribeConflict, catches[0]!["ErrorEquals"]![0]!.GetValue<string>());
        Assert.Equal("Join the existing job", catches[0]!["Next"]!.GetValue<string>());
        Assert.Equal("States.ALL", catches[1]!["ErrorEquals"]![0]!.GetValue<string>());
        Assert.Equal("$.error", catches[1]!["ResultPath"]!.GetValue<string>());
    }

    [Fact]
    public void StartJob_DoesNotRetryBadRequests()
    {
        var retried = Definition.State("Start the transcription job")["Retry"]!.AsArray()
            .SelectMany(r => r!["ErrorEquals"]!.AsArray().Select(e => e!.GetValue<string>()));

        Assert.DoesNotContain("Transcribe.BadRequestException", retried);
        Assert.DoesNotContain("States.ALL", retried);
    }

    [Theory]
    [InlineData("Plan the transcription job")]
    [InlineData("Start the transcription job")]
    [InlineData("Get the transcription job status")]
    [InlineData("Record the transcript metadata")]
    public void EveryTask_CatchesAllErrorsKeepingTheInput(string state)
    {
        var catchAll = Assert.Single(Definition.State(state)["Catch"]!.AsArray(), c => c!["ErrorEquals"]![0]!.GetValue<string>() == "States.ALL")!;

        Assert.Equal("$.error", catchAll["ResultPath"]!.GetValue<string>());
        Assert.Matches("^(Describe the |Does the input name the upload\\?)", catchAll["Next"]!.GetValue<string>());
    }

    [Fact]
    public void Polling_FollowsThePlannersPacingAndEndsWithThePlan()
    {
        Assert.Equal("$.job.polling.waitSeconds", Definition.State("Wait before polling")["SecondsPath"]!.GetValue<string>());
        Assert.Equal("$.job.polling.waitSeconds", Definition.State("Wait for the job to finish")["TimeoutSecondsPath"]!.GetValue<string>());
        Assert.Equal("Wait for the job to finish", Definition.State("Start the transcription job")["Next"]!.GetValue<string>());
        Assert.Equal("Wait for the job to finish", Definition.State("Join the existing job")["Next"]!.GetValue<string>());
        Assert.Equal("Wait for the job to finish", Definition.State("Schedule the next poll")["Next"]!.GetValue<string>());
        Assert.Equal("Get the transcription job status", Definition.State("Wait before polling")["Next"]!.GetValue<string>());

        var next = Definition.State("Schedule the next poll");
        Assert.Equal("$.job.polling", next["ResultPath"]!.GetValue<string>());
        Assert.Equal(
            "States.ArrayGetItem($.job.polling.laterWaitSeconds, $.job.polling.laterPollsMade)",
            next["Parameters"]!["waitSeconds.$"]!.GetValue<string>());
        Assert.Equal("States.MathAdd($.job.polling.laterPollsMade, 1)", next["Parameters"]!["laterPollsMade.$"]!.GetValue<string>());

        var giveUp = Assert.Single(
            Definition.State("Check the job status")["Choices"]!.AsArray(),
            c => c!["Next"]!.GetValue<string>() == "Describe the job that did not finish")!;
        Assert.Contains(
            "{\"Variable\":\"$.job.polling.laterPollsMade\",\"NumericGreaterThanEqualsPath\":\"$.job.polling.laterPolls\"}",
            giveUp.ToJsonString(),
            StringComparison.Ordinal);
    }

    [Fact]
    public void PostProcessing_RetriesOnlyLambdaServiceErrors()
    {
        var retry = Assert.Single(Definition.State("Record the transcript metadata")["Retry"]!.AsArray())!;
        var errors = retry["ErrorEquals"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();

        Assert.All(errors, e => Assert.StartsWith("Lambda.", e, StringComparison.Ordinal));
        Assert.Equal("arn:" + LogicalIds.PostProcessorFunction, Definition.State("Record the transcript metadata")["Resource"]!.GetValue<string>());
    }

    [Fact]
    public void FailureBranch_RecordsConditionallyThenDeadLettersThenFails()
    {
        var record = Definition.State("Record the failure in the metadata table");
        var send = Definition.State("Send the failure to the dead-letter queue");
        var fail = Definition.State("Transcription failed");

        Assert.Equal("arn:aws:states:::dynamodb:putItem", record["Resource"]!.GetValue<string>());
        Assert.Equal("attribute_not_exists(jobName) OR #status <> :completed", record["Parameters"]!["ConditionExpression"]!.GetValue<string>());
        Assert.Equal("FAILED", record["Parameters"]!["Item"]!["status"]!["S"]!.GetValue<string>());
        Assert.Equal("Send the failure to the dead-letter queue", record["Next"]!.GetValue<string>());
        Assert.Equal("Send the failure to the dead-letter queue", record["Catch"]![0]!["Next"]!.GetValue<string>());
        Assert.Equal("arn:aws:states:::sqs:sendMessage", send["Resource"]!.GetValue<string>());
        Assert.Equal("ref:" + LogicalIds.FailureQueue, send["Parameters"]!["QueueUrl"]!.GetValue<string>());
        Assert.Equal("Transcription failed", send["Next"]!.GetValue<string>());
        Assert.Equal("Fail", fail["Type"]!.GetValue<string>());
        Assert.Equal("$.failure.error", fail["ErrorPath"]!.GetValue<string>());
        Assert.Equal("$.failure.reason", fail["CausePath"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("dev", 12 * 60 * 60)]
    [InlineData("prod", 48 * 60 * 60)]
    public void Definition_ExecutionTimeout_FollowsSettings(string environment, int seconds)
    {
        Assert.Equal(seconds, StateMachineDefinition.Of(stacks[environment])["TimeoutSeconds"]!.GetValue<int>());
    }

    [Fact]
    public void Prod_RedactsPiiAndWritesSubtitles()
    {
        var parameters = StateMachineDefinition.Of(stacks["prod"]).State("Start the transcription job")["Parameters"]!;

        Assert.Equal("PII", parameters["ContentRedaction"]!["RedactionType"]!.GetValue<string>());
        Assert.Equal(["vtt"], parameters["Subtitles"]!["Formats"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Null(Definition.State("Start the transcription job")["Parameters"]!["ContentRedaction"]);
    }

    [Fact]
    public void Planning_SkippedUploadIsRecordedAsSkippedAndSucceeds()
    {
        var isMedia = Definition.State("Is the upload a media file?");
        var skip = Assert.Single(isMedia["Choices"]!.AsArray())!;
        var record = Definition.State("Record the skipped upload");

        Assert.Equal("Is the upload a media file?", Definition.State("Plan the transcription job")["Next"]!.GetValue<string>());
        Assert.Equal("""{"Variable":"$.job.skipped","IsPresent":true,"Next":"Record the skipped upload"}""", skip.ToJsonString());
        Assert.Equal("Start the transcription job", isMedia["Default"]!.GetValue<string>());
        Assert.Equal("SKIPPED", record["Parameters"]!["Item"]!["status"]!["S"]!.GetValue<string>());
        Assert.Equal("$.job.skipped.reason", record["Parameters"]!["Item"]!["skipReason"]!["S.$"]!.GetValue<string>());
        Assert.Equal(
            Definition.State("Record the failure in the metadata table")["Parameters"]!["ConditionExpression"]!.GetValue<string>(),
            record["Parameters"]!["ConditionExpression"]!.GetValue<string>());
        Assert.Equal("Upload skipped", record["Next"]!.GetValue<string>());
        Assert.Equal("Succeed", Definition.State("Upload skipped")["Type"]!.GetValue<string>());
        Assert.Equal("Describe the failed step", Assert.Single(record["Catch"]!.AsArray())!["Next"]!.GetValue<string>());
    }

    [Fact]
    public void WaitForTheJob_StoresItsTokenInTheJobsItemAndPollsWhenNoEventComes()
    {
        var wait = Definition.State("Wait for the job to finish");
        var parameters = wait["Parameters"]!;
        var catches = wait["Catch"]!.AsArray().Select(c => (Errors: string.Join(",", c!["ErrorEquals"]!.AsArray().Select(e => e!.GetValue<string>())), Next: c["Next"]!.GetValue<string>())).ToList();

        // A callback on an AWS SDK integration: the call returns at once, the task waits for SendTaskSuccess.
        Assert.Equal("arn:aws:states:::aws-sdk:dynamodb:updateItem.waitForTaskToken", wait["Resource"]!.GetValue<string>());
        Assert.Equal("ref:" + LogicalIds.Table, parameters["TableName"]!.GetValue<string>());
        Assert.Equal("$$.Task.Token", parameters["ExpressionAttributeValues"]![":taskToken"]!["S.$"]!.GetValue<string>());
        Assert.Equal("TRANSCRIBING", parameters["ExpressionAttributeValues"]![":transcribing"]!["S"]!.GetValue<string>());
        Assert.Equal("attribute_not_exists(#jobName) OR #status = :transcribing", parameters["ConditionExpression"]!.GetValue<string>());
        Assert.Equal("Get the transcription job status", wait["Next"]!.GetValue<string>());
        Assert.Equal([("States.Timeout", "Get the transcription job status"), ("States.ALL", "Wait before polling")], catches);
        Assert.Null(wait["Retry"]);
    }

    [Fact]
    public void FailureQueue_KeepsMessagesFourteenDays()
    {
        Assert.Equal(1_209_600, Dev.Properties(LogicalIds.FailureQueue)["MessageRetentionPeriod"]!.GetValue<int>());
    }
}
