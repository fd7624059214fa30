namespace TranscribeStack.Cdk.Tests.Support;

/// <summary>Rule targets as CloudFormation renders them, for template patterns.</summary>
internal static class RuleTargets
{
    /// <summary>
    /// The one target of an event-started state machine's rule: StartExecution as the rule's own target role, EventBridge's
    /// retries bounded by <paramref name="maxEventAgeSeconds"/> and <paramref name="retryAttempts"/>, then the dead-letter queue.
    /// </summary>
    public static object[] StartStateMachine(string stateMachine, string targetRole, string deadLetterQueue, int maxEventAgeSeconds,
        int retryAttempts) =>
    [
        new ObjectDict
        {
            ["Arn"] = Cfn.Ref(stateMachine),
            ["RoleArn"] = Cfn.Arn(targetRole),
            ["DeadLetterConfig"] = new ObjectDict { ["Arn"] = Cfn.Arn(deadLetterQueue) },
            ["RetryPolicy"] = new ObjectDict
            {
                ["MaximumEventAgeInSeconds"] = maxEventAgeSeconds,
                ["MaximumRetryAttempts"] = retryAttempts,
            },
        },
    ];
}
