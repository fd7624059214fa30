namespace TranscribeStack.Cdk.Security;

/// <summary>
/// Confused-deputy conditions for service principals: the service may act only for this account's
/// own resources (aws:SourceAccount) whose ARN matches a pattern (aws:SourceArn).
/// </summary>
public static class ConfusedDeputy
{
    /// <summary>aws:SourceAccount = this account and aws:SourceArn like <paramref name="sourceArnPattern"/>.</summary>
    public static Dictionary<string, object> Conditions(string sourceArnPattern) => new()
    {
        ["StringEquals"] = new Dictionary<string, object> { ["aws:SourceAccount"] = Aws.ACCOUNT_ID },
        ["ArnLike"] = new Dictionary<string, object> { ["aws:SourceArn"] = sourceArnPattern },
    };

    /// <summary>
    /// The aws:SourceArn Transcribe is matched with: <c>arn:aws:transcribe:&lt;region&gt;:&lt;account&gt;:*</c>,
    /// the form of Transcribe's confused-deputy page and its data-access role trust example. No AWS
    /// page says which ARN Transcribe presents (the job's, or another), so the job-name prefix is not
    /// part of it: a narrower pattern could stop every queued job.
    /// </summary>
    public static string TranscribeSourceArn(Stack stack) => stack.FormatArn(new ArnComponents
    {
        Service = "transcribe",
        Resource = "*",
        ArnFormat = ArnFormat.NO_RESOURCE_NAME,
    });
}
