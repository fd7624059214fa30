namespace TranscribeStack.Cdk.Workflow;

/// <summary>
/// An AWS SDK integration of a state machine whose role takes no policy updates: every statement the call needs is
/// granted to the role by its construct, so the task's own <c>IamResources</c> ("*") never reaches a policy.
/// </summary>
internal static class SdkCall
{
    public static CallAwsService Create(
        Construct scope,
        string name,
        string service,
        string action,
        Dictionary<string, object> parameters,
        string? resultPath = null,
        string? comment = null) =>
        new(scope, name, new CallAwsServiceProps
        {
            Comment = comment,
            Service = service,
            Action = action,
            IamResources = ["*"],
            Parameters = parameters,
            ResultPath = resultPath ?? JsonPath.DISCARD,
        });
}
