namespace TranscribeStack.Cdk.Security;

/// <summary>
/// The only IAM actions this app grants on <c>Resource: "*"</c>, each because AWS does not scope it
/// by resource. A guard test fails on any other statement with a wildcard resource, and on these
/// when a condition key exists but the statement is not conditioned.
/// </summary>
public static class UnscopedActions
{
    /// <summary>Action to the reason it must be granted on <c>*</c>.</summary>
    public static IReadOnlyDictionary<string, string> Reasons { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["transcribe:StartTranscriptionJob"] =
            "has no resource type in the Service Authorization Reference; conditioned on transcribe:OutputBucketName, "
            + "transcribe:OutputKey, transcribe:OutputEncryptionKMSKeyId and the job tags (aws:RequestTag, aws:TagKeys)",
        ["transcribe:TagResource"] =
            "has no resource type in the Service Authorization Reference; starting a job with Tags may be authorized as TagResource too; "
            + "conditioned on exactly this stack's tag keys and values (aws:RequestTag, aws:TagKeys)",
        ["states:SendTaskSuccess"] =
            "has no resource type and no condition key in the Service Authorization Reference: the task token is the capability (the "
            + "completion notifier sends only tokens the workflow stored in this stack's table)",
        ["cloudwatch:GetMetricData"] =
            "reads CloudWatch metrics (the operators' dashboard graphs), which have no resource type; its only resource type in the "
            + "Service Authorization Reference, dataset, is optional and not a metric",
        ["xray:PutTraceSegments"] = "X-Ray trace submission has no resource type (tracing of the state machine and the functions)",
        ["xray:PutTelemetryRecords"] = "X-Ray telemetry has no resource type",
        ["xray:GetSamplingRules"] = "X-Ray sampling rules have no resource-level permissions for this call",
        ["xray:GetSamplingTargets"] = "X-Ray sampling targets have no resource-level permissions for this call",
        ["logs:CreateLogDelivery"] = "Step Functions vended logging: log-delivery actions have no resource type",
        ["logs:GetLogDelivery"] = "Step Functions vended logging: log-delivery actions have no resource type",
        ["logs:UpdateLogDelivery"] = "Step Functions vended logging: log-delivery actions have no resource type",
        ["logs:DeleteLogDelivery"] = "Step Functions vended logging: log-delivery actions have no resource type",
        ["logs:ListLogDeliveries"] = "Step Functions vended logging: log-delivery actions have no resource type",
        ["logs:PutResourcePolicy"] = "Step Functions vended logging writes the log group's resource policy; "
            + "the action has no resource type",
        ["logs:DescribeResourcePolicies"] = "Step Functions vended logging reads resource policies; the action has no resource type",
        ["logs:DescribeLogGroups"] = "Step Functions vended logging lists log groups, and the operators' CloudWatch Logs console lists "
            + "them; the action has no resource type",
        ["states:ListStateMachines"] = "the operators' Step Functions console lists state machines; the action has no resource type "
            + "(names, not executions)",
        ["cloudwatch:ListDashboards"] = "the operators' CloudWatch console lists dashboards; "
            + "the action has no resource type (names, not bodies)",
        ["dynamodb:ListTables"] = "the operators' DynamoDB console lists tables; the action has no resource type (names, not items)",
        ["sqs:ListQueues"] = "the operators' SQS console lists queues; the action has no resource type (URLs, not messages)",
    };

    /// <summary>Actions above that must always carry a condition because condition keys exist for them.</summary>
    public static IReadOnlySet<string> MustBeConditioned { get; } =
        new HashSet<string>(StringComparer.Ordinal) { "transcribe:StartTranscriptionJob", "transcribe:TagResource" };
}
