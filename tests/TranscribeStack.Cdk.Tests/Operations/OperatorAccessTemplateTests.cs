using TranscribeStack.Cdk.Security;

namespace TranscribeStack.Cdk.Tests.Operations;

/// <summary>
/// The operators' managed policy (every environment) and role (only with operators.assumedBy: the example
/// settings file names a principal and lets operators read media and transcripts).
/// </summary>
[Collection(SynthesizedStacksCollection.Name)]
public sealed class OperatorAccessTemplateTests(SynthesizedStacks stacks)
{
    private const string Executions = "arn:aws:states:us-east-1:123456789012:execution:name:" + LogicalIds.StateMachine + ":*";

    private static readonly string[] DeadLetterQueues =
        [LogicalIds.FailureQueue, LogicalIds.EventDeadLetterQueue, LogicalIds.CompletionEventDeadLetterQueue,
            LogicalIds.ExecutionEndDeadLetterQueue, LogicalIds.IntakeDeadLetterQueue, LogicalIds.AdmitterDeadLetterQueue];

    private SynthesizedStack Dev => stacks["dev"];

    private IReadOnlyList<Statement> Policy => Dev.ManagedPolicyStatements(LogicalIds.OperatorPolicy);

    private IReadOnlyList<Statement> ExamplePolicy => stacks.Example.ManagedPolicyStatements(LogicalIds.OperatorPolicy);

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Policy_ExistsInEveryEnvironment_AndNoRoleWithoutAPrincipal(string environment)
    {
        stacks[environment].Template.ResourceCountIs("AWS::IAM::ManagedPolicy", 1);
        Assert.Null(stacks[environment].Properties(LogicalIds.OperatorPolicy)["Roles"]);
        Assert.False(stacks[environment].Resources.ContainsKey(LogicalIds.OperatorRole));
    }

    [Fact]
    public void Policy_FollowsStopsRedrivesAndStartsThisWorkflowsExecutionsOnly()
    {
        var onWorkflow = Policy.Where(s => s.Resources.Contains("ref:" + LogicalIds.StateMachine)).SelectMany(s => s.Actions)
            .Order(StringComparer.Ordinal);
        var onExecutions = Assert.Single(Policy, s => s.Resources.Contains(Executions));

        Assert.Equal(["states:DescribeStateMachine", "states:ListExecutions", "states:StartExecution"], onWorkflow);
        Assert.Equal(
            ["states:DescribeExecution", "states:DescribeStateMachineForExecution", "states:GetExecutionHistory", "states:RedriveExecution",
                "states:StopExecution"],
            onExecutions.Actions);
        Assert.Equal([Executions], onExecutions.Resources);
        Assert.DoesNotContain(Policy.SelectMany(s => s.Resources), r => r == "ref:" + LogicalIds.Notifier);
    }

    [Fact]
    public void Policy_StartsTheAdmitterAndTheRecorder_ToReplayDeadLetters_AndNothingElseOfThem()
    {
        var onAdmitter = Policy.Where(s => s.Resources.Contains("ref:" + LogicalIds.Admitter)).SelectMany(s => s.Actions);
        var onRecorder = Policy.Where(s => s.Resources.Contains("ref:" + LogicalIds.Recorder)).SelectMany(s => s.Actions);

        Assert.Equal(["states:StartExecution"], onAdmitter);
        Assert.Equal(["states:StartExecution"], onRecorder);
    }

    [Fact]
    public void Policy_SendsAnUndeliveredUploadEventBackIntoTheIntake_AndReadsNothingOfIt()
    {
        var onIntake = Policy.Where(s => s.Resources.Contains("arn:" + LogicalIds.IntakeQueue)).SelectMany(s => s.Actions);

        Assert.Equal(["sqs:SendMessage"], onIntake);
    }

    [Fact]
    public void Policy_ReadsThisEnvironmentsTranscriptionJobsOnly()
    {
        var jobs = Assert.Single(Policy, s => s.Actions.Contains("transcribe:GetTranscriptionJob"));

        Assert.Equal(["transcribe:GetTranscriptionJob"], jobs.Actions);
        Assert.Equal(["arn:aws:transcribe:us-east-1:123456789012:transcription-job/transcribestack-dev-*"], jobs.Resources);
    }

    [Fact]
    public void Policy_ReadsTheStateMachinesLogGroupsOnly()
    {
        var groups = Assert.Single(Policy, s => s.Actions.Contains("logs:FilterLogEvents"));
        var streams = Assert.Single(Policy, s => s.Actions.Contains("logs:GetLogEvents"));
        string[] ids = [LogicalIds.WorkflowLogGroup, LogicalIds.AdmitterLogGroup, LogicalIds.ReprocessingLogGroup,
            LogicalIds.NotifierLogGroup, LogicalIds.RecorderLogGroup];

        Assert.Equal(["logs:DescribeLogStreams", "logs:FilterLogEvents", "logs:GetLogGroupFields", "logs:GetQueryResults",
            "logs:StartQuery"], groups.Actions);
        // Each group as the Service Authorization Reference names it, and as CloudWatch Logs does (":*").
        Assert.Equal(
            ids.SelectMany(id => new[] { "arn:" + id, $"arn:aws:logs:us-east-1:123456789012:log-group:ref:{id}" })
                .Order(StringComparer.Ordinal),
            groups.Resources.Order(StringComparer.Ordinal));
        Assert.Equal(["logs:GetLogEvents"], streams.Actions);
        Assert.Equal(ids.Select(id => "arn:" + id).Order(StringComparer.Ordinal), streams.Resources.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Policy_ReadsTheDashboardAndThisStacksAlarms()
    {
        var dashboard = Assert.Single(Policy, s => s.Actions.Contains("cloudwatch:GetDashboard"));
        var alarms = Assert.Single(Policy, s => s.Actions.Contains("cloudwatch:DescribeAlarms"));
        var metrics = Assert.Single(Policy, s => s.Actions.Contains("cloudwatch:GetMetricData"));

        Assert.Equal(["arn:aws:cloudwatch::123456789012:dashboard/ref:" + LogicalIds.Dashboard], dashboard.Resources);
        Assert.Equal(["cloudwatch:DescribeAlarmHistory", "cloudwatch:DescribeAlarms"], alarms.Actions);
        Assert.Equal(["arn:aws:cloudwatch:us-east-1:123456789012:alarm:TranscribeStack-dev-*"], alarms.Resources);
        // Metrics have no resource type (see UnscopedActions): the dashboard's graphs need them.
        Assert.Equal(["cloudwatch:GetMetricData"], metrics.Actions);
        Assert.Equal(["*"], metrics.Resources);
    }

    [Fact]
    public void Policy_ReadsTheTableAndItsStatusIndex_WithTheKeyThroughDynamoDbOnly()
    {
        var table = Assert.Single(Policy, s => s.Resources.Contains("arn:" + LogicalIds.Table) && s.Actions.Contains("dynamodb:GetItem"));
        var index = Assert.Single(Policy, s => s.Resources.Any(r => r.EndsWith("/index/byStatus", StringComparison.Ordinal)));
        var key = Assert.Single(Policy, s => s.Condition("StringEquals", "kms:ViaService") == "dynamodb.us-east-1.amazonaws.com");

        Assert.Equal(["dynamodb:GetItem", "dynamodb:Query"], table.Actions);
        Assert.Equal(["dynamodb:Query"], index.Actions);
        Assert.Equal(["arn:aws:dynamodb:us-east-1:123456789012:table/ref:" + LogicalIds.Table + "/index/byStatus"], index.Resources);
        Assert.Equal(["kms:Decrypt"], key.Actions);
        Assert.Equal("ref:" + LogicalIds.Table, key.Condition("StringEquals", "kms:EncryptionContext:aws:dynamodb:tableName"));
    }

    [Fact]
    public void Policy_DescribesTheJobTableOnly()
    {
        var describe = Assert.Single(Policy, s => s.Actions.Contains("dynamodb:DescribeTable"));

        Assert.Equal(["dynamodb:DescribeTable"], describe.Actions);
        Assert.Equal(["arn:" + LogicalIds.Table], describe.Resources);
    }

    [Fact]
    public void Policy_ListsWhatTheConsolesList_OnlyActionsWithoutAResourceType()
    {
        var lists = Assert.Single(Policy, s => s.Actions.Contains("states:ListStateMachines"));

        Assert.Equal(["cloudwatch:ListDashboards", "dynamodb:ListTables", "logs:DescribeLogGroups", "sqs:ListQueues",
            "states:ListStateMachines"], lists.Actions);
        Assert.Equal(["*"], lists.Resources);
        // Every action on "*" in the policy is one AWS cannot scope (UnscopedActions says why).
        Assert.All(Policy.Where(s => s.Resources.Contains("*")).SelectMany(s => s.Actions),
            a => Assert.True(UnscopedActions.Reasons.ContainsKey(a), a));
    }

    [Fact]
    public void Policy_ReceivesAndDeletesDeadLetters_WithTheKeyThroughSqsForEachQueue()
    {
        var sqs = Assert.Single(Policy, s => s.Actions.Contains("sqs:ReceiveMessage"));
        // (The intake's own key statement is for sending an upload event back: Policy_ByDefault_NothingElse.)
        var keys = Policy.Where(s => s.Condition("StringEquals", "kms:ViaService") == "sqs.us-east-1.amazonaws.com"
            && !s.Actions.Contains("kms:GenerateDataKey")).ToList();

        Assert.Equal(["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage"], sqs.Actions);
        Assert.Equal(DeadLetterQueues.Select(q => "arn:" + q).Order(StringComparer.Ordinal), sqs.Resources.Order(StringComparer.Ordinal));
        Assert.All(keys, k => Assert.Equal(["kms:Decrypt"], k.Actions));
        Assert.Equal(
            DeadLetterQueues.Select(q => "arn:" + q).Order(StringComparer.Ordinal),
            keys.Select(k => k.Condition("StringEquals", "kms:EncryptionContext:aws:sqs:arn")!).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Policy_ByDefault_NothingElse(string environment)
    {
        var actions = stacks[environment].ManagedPolicyStatements(LogicalIds.OperatorPolicy).SelectMany(s => s.Actions).ToList();

        // No object reads or deletes, no key use but through a service, no IAM, no table writes; the one message sent
        // is an undelivered upload event put back into the intake (with the key through SQS for the intake).
        var statements = stacks[environment].ManagedPolicyStatements(LogicalIds.OperatorPolicy);
        Assert.DoesNotContain(actions,
            a => a.StartsWith("s3:", StringComparison.Ordinal) || a.StartsWith("iam:", StringComparison.Ordinal));
        Assert.Equal(["kms:Decrypt", "kms:GenerateDataKey"],
            actions.Where(a => a.StartsWith("kms:", StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal));
        Assert.DoesNotContain(actions,
            a => a is "dynamodb:PutItem" or "dynamodb:UpdateItem" or "dynamodb:DeleteItem" or "dynamodb:Scan" or "dynamodb:UpdateTable"
            or "sqs:SetQueueAttributes" or "sqs:PurgeQueue" or "states:DeleteStateMachine" or "cloudwatch:PutDashboard"
                or "logs:DeleteLogGroup");
        Assert.Equal(["arn:" + LogicalIds.IntakeQueue], Assert.Single(statements, s => s.Actions.Contains("sqs:SendMessage")).Resources);
        Assert.All(statements.Where(s => s.Actions.Any(a => a.StartsWith("kms:", StringComparison.Ordinal))),
            s => Assert.NotNull(s.Condition("StringEquals", "kms:ViaService")));
        Assert.Equal("arn:" + LogicalIds.IntakeQueue,
            Assert.Single(statements, s => s.Actions.Contains("kms:GenerateDataKey"))
            .Condition("StringEquals", "kms:EncryptionContext:aws:sqs:arn"));
    }

    [Fact]
    public void Example_WithTheSettings_ReadsMediaAndTranscriptsUnderTheirPrefixesOnly()
    {
        var s3 = Assert.Single(ExamplePolicy, s => s.Actions.Any(a => a.StartsWith("s3:", StringComparison.Ordinal)));
        var viaS3 = ExamplePolicy.Where(s => s.Condition("StringEquals", "kms:ViaService") == "s3.us-east-1.amazonaws.com").ToList();

        Assert.Equal(["s3:GetObject"], s3.Actions);
        Assert.Equal(["arn:" + LogicalIds.RawBucket + "/media/*", "arn:" + LogicalIds.TranscriptBucket + "/transcripts/*"],
            s3.Resources.Order(StringComparer.Ordinal));
        Assert.All(viaS3, s => Assert.Equal(["kms:Decrypt"], s.Actions));
        Assert.Equal(
            ["arn:" + LogicalIds.RawBucket, "arn:" + LogicalIds.TranscriptBucket],
            viaS3.Select(s => s.Condition("StringEquals", "kms:EncryptionContext:aws:s3:arn")!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Example_Role_IsAssumedByTheNamedPrincipalAndHoldsOnlyThePolicy()
    {
        var example = stacks.Example;
        var trust = Assert.Single(example.TrustStatements(LogicalIds.OperatorRole));

        Assert.Equal(["sts:AssumeRole"], trust.Actions);
        Assert.Equal(["arn:aws:iam::123456789012:role/transcribestack-oncall"], trust.AwsPrincipals);
        Assert.Empty(trust.ServicePrincipals);
        // The policy is attached from its side; the role has no statement of its own.
        Assert.Equal(["ref:" + LogicalIds.OperatorRole], Rendered.List(example.Properties(LogicalIds.OperatorPolicy)["Roles"]));
        Assert.Empty(example.RoleStatements(LogicalIds.OperatorRole));
        example.Only(LogicalIds.OperatorRole).HasResourceProperties("AWS::IAM::Role", new ObjectDict { ["MaxSessionDuration"] = 3600 });
    }

    [Fact]
    public void Policy_StartsAndFollowsReprocessing_ButCannotRedriveOrDeleteIt()
    {
        var onReprocessing = Policy.Where(s => s.Resources.Contains("ref:" + LogicalIds.Reprocessing)).SelectMany(s => s.Actions)
            .Order(StringComparer.Ordinal);
        Assert.Equal(["states:DescribeStateMachine", "states:ListExecutions", "states:StartExecution"], onReprocessing);
        var follow = Assert.Single(Policy, s => s.Actions.Contains("states:ListMapRuns"));
        Assert.Equal(["states:DescribeExecution", "states:GetExecutionHistory", "states:ListMapRuns", "states:StopExecution"],
            follow.Actions.Order(StringComparer.Ordinal));
        Assert.Equal(["arn:aws:states:us-east-1:123456789012:execution:TranscribeStack-dev-Reprocessing:*"], follow.Resources);
        var mapRuns = Assert.Single(Policy, s => s.Actions.Contains("states:DescribeMapRun"));
        Assert.Equal(["states:DescribeMapRun", "states:ListExecutions"], mapRuns.Actions);
        Assert.Equal(["arn:aws:states:us-east-1:123456789012:mapRun:TranscribeStack-dev-Reprocessing/*"], mapRuns.Resources);
        var children = Assert.Single(Policy, s => s.Sid == "FollowReprocessingChildren");
        Assert.Equal(["states:DescribeExecution", "states:GetExecutionHistory"], children.Actions);
        Assert.Equal(["arn:aws:states:us-east-1:123456789012:execution:TranscribeStack-dev-Reprocessing/*"], children.Resources);
        Assert.DoesNotContain(Policy.SelectMany(s => s.Actions), a => a is "states:DeleteStateMachine" or "states:UpdateStateMachine");
    }
}
