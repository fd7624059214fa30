namespace TranscribeStack.Cdk.Tests.WorkflowEvents;

/// <summary>The execution-status rule, its target and dead-letter queue, the recorder and both roles.</summary>
[Collection(SynthesizedStacksCollection.Name)]
public sealed class ExecutionEndRecorderTemplateTests(SynthesizedStacks stacks)
{
    private const string Name = StateNames.EndRecorder.DoesInputNameUpload;
    private const string LookUp = StateNames.EndRecorder.LookUpJob;
    private const string Record = StateNames.EndRecorder.RecordEndInMetadataTable;
    private const string Redriven = StateNames.EndRecorder.WasExecutionRedriven;

    /// <summary>FAILED with one of Retries.Passing, as the choice rule reads.</summary>
    private static string FailedForAPassingCause =>
        "($.detail.status StringEquals FAILED and $.detail.error IsString true and " +
            $"({string.Join(" or ", Retries.Passing.Select(e => $"$.detail.error StringEquals {e}"))}))";
    private const string Send = StateNames.EndRecorder.SendEndToDeadLetterQueue;

    private SynthesizedStack Dev => stacks["dev"];

    private StateMachineDefinition Recorder => StateMachineDefinition.Of(Dev, LogicalIds.Recorder);

    private IReadOnlyList<Statement> RecorderRole => Dev.RoleStatements(LogicalIds.RecorderRole);

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Rule_TakesThisWorkflowsTimedOutAbortedAndFailedExecutionsOnly(string environment)
    {
        stacks[environment].Only(LogicalIds.ExecutionEndRule).HasResourceProperties("AWS::Events::Rule", new ObjectDict
        {
            ["EventPattern"] = Match.ObjectEquals(new ObjectDict
            {
                ["source"] = new[] { "aws.states" },
                ["detail-type"] = new[] { "Step Functions Execution Status Change" },
                ["account"] = new[] { Cfn.Ref("AWS::AccountId") },
                ["detail"] = new ObjectDict
                {
                    ["stateMachineArn"] = new[] { Cfn.Ref(LogicalIds.StateMachine) },
                    ["status"] = new[] { "TIMED_OUT", "ABORTED", "FAILED" },
                },
            }),
        });
    }

    [Fact]
    public void Rule_StartsTheExpressRecorderThroughItsRoleWithRetriesAndAnEncryptedDeadLetterQueue()
    {
        Dev.Only(LogicalIds.ExecutionEndRule).HasResourceProperties("AWS::Events::Rule", new ObjectDict
        {
            // An undelivered end is a missing record: retried as long as an upload event.
            ["Targets"] = RuleTargets.StartStateMachine(
                LogicalIds.Recorder, LogicalIds.RecorderTargetRole, LogicalIds.ExecutionEndDeadLetterQueue, maxEventAgeSeconds: 86400,
                    retryAttempts: 185),
        });
        Dev.Only(LogicalIds.Recorder).HasResourceProperties("AWS::StepFunctions::StateMachine", new ObjectDict
        {
            ["StateMachineType"] = "EXPRESS",
            ["RoleArn"] = Cfn.Arn(LogicalIds.RecorderRole),
            ["TracingConfiguration"] = new ObjectDict { ["Enabled"] = true },
        });
        Dev.Only(LogicalIds.ExecutionEndDeadLetterQueue)
            .HasResourceProperties("AWS::SQS::Queue", new ObjectDict { ["KmsMasterKeyId"] = Cfn.Arn(LogicalIds.Key) });
    }

    [Fact]
    public void DeadLetterQueue_AcceptsOnlyThisRulesEvents()
    {
        Dev.QueueAllowsOnlyTheRule(LogicalIds.ExecutionEndDeadLetterQueue, LogicalIds.ExecutionEndRule);
    }

    [Fact]
    public void TargetRole_MayOnlyStartTheRecorder()
    {
        var statement = Assert.Single(Dev.RoleStatements(LogicalIds.RecorderTargetRole));

        Assert.Equal(["states:StartExecution"], statement.Actions);
        Assert.Equal(["ref:" + LogicalIds.Recorder], statement.Resources);
        var trust = Assert.Single(Dev.TrustStatements(LogicalIds.RecorderTargetRole));
        Assert.Equal(["events.amazonaws.com"], trust.ServicePrincipals);
        Assert.Equal("123456789012", trust.Condition("StringEquals", "aws:SourceAccount"));
    }

    [Fact]
    public void RecorderRole_IsTrustedByStepFunctionsOfThisAccountOnly()
    {
        var trust = Assert.Single(Dev.TrustStatements(LogicalIds.RecorderRole));

        Assert.Equal(["states.amazonaws.com"], trust.ServicePrincipals);
        Assert.Equal("123456789012", trust.Condition("StringEquals", "aws:SourceAccount"));
    }

    [Fact]
    public void RecorderRole_ReadsWhetherTheItemIsFinalAndWritesOnlyFailedItems()
    {
        var read = Assert.Single(RecorderRole, s => s.Actions.Contains("dynamodb:GetItem"));
        var write = Assert.Single(RecorderRole, s => s.Actions.Contains("dynamodb:PutItem"));

        Assert.Equal(["arn:" + LogicalIds.Table], read.Resources);
        Assert.Equal(["jobName", "status", "executionArn"], read.ConditionValues("ForAllValues:StringEquals", "dynamodb:Attributes"));
        Assert.Equal(["arn:" + LogicalIds.Table], write.Resources);
        Assert.Equal(
            ["jobName", "status", "error", "failureReason", "mediaUri", "executionArn", "failedAt", "updatedAt"],
            write.ConditionValues("ForAllValues:StringEquals", "dynamodb:Attributes"));
        Assert.Equal(["NONE"], write.ConditionValues("StringEqualsIfExists", "dynamodb:ReturnValues"));
        Assert.DoesNotContain(RecorderRole.SelectMany(s => s.Actions),
            a => a is "dynamodb:UpdateItem" or "dynamodb:DeleteItem" or "dynamodb:Scan" or "dynamodb:Query");
    }

    [Fact]
    public void RecorderRole_SendsToTheFailureQueueAndStartsTheAdmitterOnly()
    {
        var send = Assert.Single(RecorderRole, s => s.Actions.Contains("sqs:SendMessage"));
        var start = Assert.Single(RecorderRole, s => s.Actions.Any(a => a.StartsWith("states:", StringComparison.Ordinal)));

        // The job is named after the execution: no function is invoked.
        Assert.DoesNotContain(RecorderRole.SelectMany(s => s.Actions), a => a.StartsWith("lambda:", StringComparison.Ordinal));
        Assert.Equal(["arn:" + LogicalIds.FailureQueue], send.Resources);
        Assert.Equal(["states:StartExecution"], start.Actions);
        Assert.Equal(["ref:" + LogicalIds.Admitter], start.Resources);
        Assert.DoesNotContain(RecorderRole.SelectMany(s => s.Actions), a => a.StartsWith("s3:", StringComparison.Ordinal));
        var kms = RecorderRole.Where(s => s.Actions.Any(a => a.StartsWith("kms:", StringComparison.Ordinal))).ToList();
        Assert.All(kms, s => Assert.NotNull(s.Condition("StringEquals", "kms:ViaService")));
    }

    [Fact]
    public void Recorder_Flow_RecordsOnlyAnEndNobodyRecorded()
    {
        var runbook = new Dictionary<string, string[]>
        {
            // First the ended execution leaves the window (once: a second release frees nothing), whatever follows.
            [StateNames.EndRecorder.FreeEndedExecutionsSlot] = [$"next: {StateNames.EndRecorder.DoesEventCarryExecutionsInput}",
                $"catch States.ALL: {StateNames.EndRecorder.DoesEventCarryExecutionsInput}"],
            [StateNames.EndRecorder.DoesEventCarryExecutionsInput] =
                [$"when $.detail.input IsString true: {StateNames.EndRecorder.ReadExecutionsInput}", $"otherwise: {Name}"],
            [StateNames.EndRecorder.ReadExecutionsInput] = [$"next: {Name}"],
            // The job is named after the execution whatever the input; the input only gives the media URI.
            [Name] =
            [
                "when ($.execution.input.detail.bucket.name IsPresent true and $.execution.input.detail.object.key IsPresent true)"
                    + $": {StateNames.EndRecorder.NameJobOfUpload}",
                $"otherwise: {StateNames.EndRecorder.NameJobOfUnknownUpload}",
            ],
            [StateNames.EndRecorder.NameJobOfUpload] = [$"next: {LookUp}"],
            [StateNames.EndRecorder.NameJobOfUnknownUpload] = [$"next: {LookUp}"],
            [LookUp] = [$"next: {StateNames.EndRecorder.IsEndAlreadyRecorded}"],
            [StateNames.EndRecorder.IsEndAlreadyRecorded] =
            [
                "when ($.recorded.Item.status.S IsPresent true and $.recorded.Item.status.S StringEquals COMPLETED): " +
                    $"{StateNames.EndRecorder.JobIsCompleted}",
                "when ($.recorded.Item.status.S IsPresent true and $.recorded.Item.status.S StringEquals FAILED and " +
                    "$.recorded.Item.executionArn.S IsPresent true and $.recorded.Item.executionArn.S StringEqualsPath " +
                    $"$.detail.executionArn): {StateNames.EndRecorder.FailureIsRecorded}",
                // A skipped upload's execution that FAILED could not write its SKIPPED item: recorded like any failure.
                "when ($.recorded.Item.status.S IsPresent true and $.recorded.Item.status.S StringEquals SKIPPED"
                    + $" and not $.detail.status StringEquals FAILED): {StateNames.EndRecorder.UploadWasSkipped}",
                $"otherwise: {StateNames.EndRecorder.HowDidExecutionEnd}",
            ],
            [StateNames.EndRecorder.HowDidExecutionEnd] =
            [
                $"when $.detail.status StringEquals TIMED_OUT: {StateNames.EndRecorder.DescribeTimedOutExecution}",
                "when ($.detail.status StringEquals ABORTED and $.detail.cause IsString true): " +
                    $"{StateNames.EndRecorder.DescribeExecutionStoppedWithCause}",
                $"when $.detail.status StringEquals ABORTED: {StateNames.EndRecorder.DescribeStoppedExecution}",
                // A passing cause (Retries.Passing) the workflow leaves uncaught: the dead letter says to redrive it.
                $"when ({FailedForAPassingCause} and $.detail.cause IsString true): " +
                    $"{StateNames.EndRecorder.DescribeExecutionThatFailedForPassingCause}",
                $"when {FailedForAPassingCause}: {StateNames.EndRecorder.DescribeExecutionThatFailedForPassingCauseWithoutCause}",
                "when ($.detail.error IsString true and $.detail.cause IsString true): " +
                    $"{StateNames.EndRecorder.DescribeExecutionThatFailedOutsideFailureBranch}",
                $"when $.detail.error IsString true: {StateNames.EndRecorder.DescribeExecutionThatFailedWithoutCause}",
                $"otherwise: {StateNames.EndRecorder.DescribeExecutionThatFailedWithoutError}",
            ],
            [StateNames.EndRecorder.DescribeTimedOutExecution] = [$"next: {Record}"],
            [StateNames.EndRecorder.DescribeExecutionStoppedWithCause] = [$"next: {Record}"],
            [StateNames.EndRecorder.DescribeStoppedExecution] = [$"next: {Record}"],
            [StateNames.EndRecorder.DescribeExecutionThatFailedForPassingCause] = [$"next: {Record}"],
            [StateNames.EndRecorder.DescribeExecutionThatFailedForPassingCauseWithoutCause] = [$"next: {Record}"],
            [StateNames.EndRecorder.DescribeExecutionThatFailedOutsideFailureBranch] = [$"next: {Record}"],
            [StateNames.EndRecorder.DescribeExecutionThatFailedWithoutCause] = [$"next: {Record}"],
            [StateNames.EndRecorder.DescribeExecutionThatFailedWithoutError] = [$"next: {Record}"],
            [Record] = [$"next: {Redriven}",
                $"catch DynamoDB.ConditionalCheckFailedException: {StateNames.EndRecorder.EndWasRecordedMeanwhile}",
                $"catch States.ALL: {Redriven}"],
            // A redrive keeps the execution's ARN; its first end sent the one dead letter.
            [Redriven] = ["when ($.detail.redriveCount IsNumeric true and $.detail.redriveCount NumericGreaterThan 0): " +
                $"{StateNames.EndRecorder.RedrivenEndIsRecorded}", $"otherwise: {Send}"],
            [StateNames.EndRecorder.RedrivenEndIsRecorded] = ["succeed"],
            [Send] = [$"next: {StateNames.EndRecorder.EndIsRecorded}"],
            [StateNames.EndRecorder.EndIsRecorded] = ["succeed"],
            [StateNames.EndRecorder.EndWasRecordedMeanwhile] = ["succeed"],
            [StateNames.EndRecorder.JobIsCompleted] = ["succeed"],
            [StateNames.EndRecorder.FailureIsRecorded] = ["succeed"],
            [StateNames.EndRecorder.UploadWasSkipped] = ["succeed"],
        };

        Assert.Equal(StateNames.EndRecorder.FreeEndedExecutionsSlot, Recorder.StartAt);
        Assert.Equal(runbook.Keys.Order(StringComparer.Ordinal), Recorder.StateNames.Order(StringComparer.Ordinal));
        Assert.All(runbook, state => Assert.Equal(state.Value, Recorder.Transitions(state.Key)));
    }

    [Fact]
    public void Recorder_NamesTheJobAfterTheExecutionAndWritesWithTheCompletedIsFinalCondition()
    {
        // The one rule (JobNames): the environment's prefix and the ended execution's name.
        Recorder.HasState(StateNames.EndRecorder.NameJobOfUpload, new ObjectDict
        {
            ["Parameters"] = new ObjectDict
            {
                ["jobName.$"] = "States.Format('transcribestack-dev-{}', $.detail.name)",
                ["mediaUri.$"] = "States.Format('s3://{}/{}', $.execution.input.detail.bucket.name, $.execution.input.detail.object.key)",
            },
            ["ResultPath"] = "$.job",
        });
        Recorder.HasState(StateNames.EndRecorder.NameJobOfUnknownUpload, new ObjectDict
        {
            ["Parameters"] = new ObjectDict { ["jobName.$"] = "States.Format('transcribestack-dev-{}', $.detail.name)" },
        });
        Recorder.HasState(LookUp, new ObjectDict
        {
            ["Resource"] = "arn:aws:states:::aws-sdk:dynamodb:getItem",
            ["Parameters"] = new ObjectDict { ["TableName"] = "ref:" + LogicalIds.Table, ["ConsistentRead"] = true },
        });
        Recorder.HasState(Record, new ObjectDict
        {
            ["Resource"] = "arn:aws:states:::dynamodb:putItem",
            ["Parameters"] = new ObjectDict
            {
                ["ConditionExpression"] = $"({TranscribeStack.Contracts.JobMetadataSchema.CompletedIsFinal}) AND " +
                    "(attribute_not_exists(#executionArn) OR #executionArn <> :executionArn OR #status <> :failed)",
            },
        });
        Recorder.HasState(Send, new ObjectDict
        {
            ["Resource"] = "arn:aws:states:::sqs:sendMessage",
            ["Parameters"] = new ObjectDict { ["QueueUrl"] = "ref:" + LogicalIds.FailureQueue, ["MessageBody.$"] = "$.failure" },
        });
    }

    [Fact]
    public void Monitoring_AlarmsOnAnUndeliveredEnd()
    {
        Dev.Template.HasResourceProperties("AWS::CloudWatch::Alarm", new ObjectDict
        {
            ["MetricName"] = "ApproximateNumberOfMessagesVisible",
            ["Dimensions"] = new[]
            {
                new ObjectDict
                {
                    ["Name"] = "QueueName",
                    ["Value"] = new ObjectDict { ["Fn::GetAtt"] = new[] { LogicalIds.ExecutionEndDeadLetterQueue, "QueueName" } },
                },
            },
            ["Threshold"] = 1,
        });
    }

    [Fact]
    public void Monitoring_TheAlarmsOnTimedOutAndFailedExecutionsStay()
    {
        // The status-change events are best effort: the alarms keep watching the workflow itself.
        foreach (var metric in new[] { "ExecutionsTimedOut", "ExecutionsFailed" })
        {
            Dev.Template.HasResourceProperties("AWS::CloudWatch::Alarm", new ObjectDict
            {
                ["MetricName"] = metric,
                ["Dimensions"] = new[] { new ObjectDict { ["Name"] = "StateMachineArn", ["Value"] = Cfn.Ref(LogicalIds.StateMachine) } },
            });
        }
    }
}
