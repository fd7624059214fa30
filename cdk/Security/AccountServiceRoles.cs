namespace TranscribeStack.Cdk.Security;

/// <summary>
/// A role that one AWS service assumes for this account only (aws:SourceAccount): the trust of every
/// role here that a service assumes on the stack's behalf (Step Functions, EventBridge targets).
/// </summary>
public static class AccountServiceRoles
{
    public static Role Create(Construct scope, string id, string service, string description) => new(scope, id, new RoleProps
    {
        Description = description,
        AssumedBy = new ServicePrincipal(service, new ServicePrincipalOpts
        {
            Conditions = new Dictionary<string, object>
            {
                ["StringEquals"] = new Dictionary<string, object> { ["aws:SourceAccount"] = Stack.Of(scope).Account },
            },
        }),
    });
}
