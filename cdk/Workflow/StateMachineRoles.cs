namespace TranscribeStack.Cdk.Workflow;

/// <summary>
/// The role of a state machine of this stack: trusted by Step Functions for this account only, with
/// the rights every state machine here needs (vended execution logs and X-Ray, actions AWS does not
/// scope by resource, see <see cref="UnscopedActions"/>). Each state machine gets it without policy
/// updates, so every other statement of the role is written by its owner, none by the tasks.
/// </summary>
internal static class StateMachineRoles
{
    public static Role Create(Construct scope, string id, string description)
    {
        var role = AccountServiceRoles.Create(scope, id, "states.amazonaws.com", description);
        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "DeliverExecutionLogs",
            Actions =
            [
                "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
                "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups",
            ],
            Resources = ["*"],
        }));
        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "SendTraces",
            Actions = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"],
            Resources = ["*"],
        }));
        NagAcknowledgements.AcknowledgeInlinePolicy(role);
        return role;
    }
}
