namespace TranscribeStack.Cdk.Encryption;

/// <summary>
/// Key grants tied to the service that uses the key. A principal that reads an encrypted object or
/// sends an encrypted message never calls KMS itself: S3, SQS or DynamoDB does, on its behalf, and
/// KMS then sees <c>kms:ViaService</c> = that service's endpoint. Granting the key only under that
/// condition means the role cannot decrypt or encrypt anything directly, and where the service
/// documents its encryption context (S3: <c>aws:s3:arn</c>, the bucket's ARN with bucket keys;
/// SQS: <c>aws:sqs:arn</c>, the queue's ARN) only for that one resource.
/// </summary>
public static class KeyGrants
{
    /// <summary>
    /// Grants <paramref name="actions"/> on <paramref name="key"/> for calls that <paramref name="service"/>
    /// (for example "s3") makes on the grantee's behalf in this stack's region, and, when
    /// <paramref name="encryptionContext"/> is given, only with that encryption-context pair.
    /// </summary>
    public static Grant GrantViaService(
        this IKey key,
        IGrantable grantee,
        string service,
        string[] actions,
        KeyValuePair<string, string>? encryptionContext = null) =>
        GrantViaService(key, grantee, service, actions,
            encryptionContext is { } pair ? new Dictionary<string, string> { [pair.Key] = pair.Value } : null);

    /// <summary>
    /// As above, with every pair of <paramref name="encryptionContext"/> required (each one a
    /// <c>kms:EncryptionContext:&lt;key&gt;</c> condition; further pairs in the request do not matter).
    /// </summary>
    public static Grant GrantViaService(
        this IKey key,
        IGrantable grantee,
        string service,
        string[] actions,
        IReadOnlyDictionary<string, string>? encryptionContext)
    {
        ArgumentNullException.ThrowIfNull(key);
        var conditions = new Dictionary<string, object> { ["kms:ViaService"] = ServiceEndpoint(key, service) };
        foreach (var (name, value) in encryptionContext ?? new Dictionary<string, string>())
        {
            conditions[$"kms:EncryptionContext:{name}"] = value;
        }

        return Grant.AddToPrincipal(new GrantOnPrincipalOptions
        {
            Grantee = grantee,
            Actions = actions,
            ResourceArns = [key.KeyArn],
            Conditions = new Dictionary<string, IDictionary<string, object>> { ["StringEquals"] = conditions },
        });
    }

    /// <summary>The endpoint KMS reports as kms:ViaService for <paramref name="service"/>:
    /// &lt;service&gt;.&lt;region&gt;.amazonaws.com.</summary>
    public static string ServiceEndpoint(IKey key, string service) =>
        $"{service}.{Stack.Of(key).Region}.{Stack.Of(key).UrlSuffix}";
}
