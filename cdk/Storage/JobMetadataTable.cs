using Amazon.CDK.AWS.DynamoDB;

namespace TranscribeStack.Cdk.Storage;

public sealed class JobMetadataTableProps : PipelineConstructProps
{
    public required bool DeletionProtection { get; init; }
}

/// <summary>
/// One item per transcription job (schema: <see cref="JobMetadataSchema"/>), COMPLETED with its figures,
/// FAILED or SKIPPED with the reason. The status index answers "jobs by status, newest first" for operators.
/// </summary>
public sealed class JobMetadataTable : Construct
{
    private readonly IKey key;

    public JobMetadataTable(Construct scope, string id, JobMetadataTableProps props)
        : base(scope, id)
    {
        key = props.Context.Key;
        var table = new Table(this, "Table", new TableProps
        {
            PartitionKey = new Amazon.CDK.AWS.DynamoDB.Attribute { Name = JobMetadataSchema.JobName, Type = AttributeType.STRING },
            BillingMode = BillingMode.PAY_PER_REQUEST,
            PointInTimeRecovery = true,
            Encryption = TableEncryption.CUSTOMER_MANAGED,
            EncryptionKey = props.Context.Key,
            DeletionProtection = props.DeletionProtection,
            RemovalPolicy = props.Context.RemovalPolicy,
        });
        table.AddGlobalSecondaryIndex(new GlobalSecondaryIndexProps
        {
            IndexName = JobMetadataSchema.StatusIndex,
            PartitionKey = new Amazon.CDK.AWS.DynamoDB.Attribute { Name = JobMetadataSchema.Status, Type = AttributeType.STRING },
            SortKey = new Amazon.CDK.AWS.DynamoDB.Attribute { Name = JobMetadataSchema.UpdatedAt, Type = AttributeType.STRING },
            ProjectionType = ProjectionType.ALL,
        });
        NagAcknowledgements.AcknowledgeAll(
            table,
            "Point-in-time recovery (35 days of continuous backups) is on; an AWS Backup plan is an account-level concern owned by the "
            + "platform's backup policy, not by this stack.",
            "HIPAA.Security-DynamoDBInBackupPlan",
            "NIST.800.53.R5-DynamoDBInBackupPlan");
        Table = table;
    }

    public ITable Table { get; }

    /// <summary>
    /// dynamodb:PutItem on the table only (every writer records a whole item with a condition) and the
    /// key rights DynamoDB checks for a customer-managed key, only for DynamoDB's calls for this table
    /// (DynamoDB's encryption context names the table). Table.GrantWriteData would add UpdateItem,
    /// DeleteItem and BatchWriteItem, and Table.Grant the index ARNs, which no writer uses.
    /// </summary>
    public Grant GrantPutItem(IGrantable grantee)
    {
        return Grant.AddToPrincipal(
            new GrantOnPrincipalOptions { Grantee = grantee, Actions = ["dynamodb:PutItem"], ResourceArns = [Table.TableArn] })
            .Combine(key.GrantViaService(grantee, "dynamodb", ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
                new KeyValuePair<string, string>("aws:dynamodb:tableName", Table.TableName)));
    }

    /// <summary>
    /// dynamodb:PutItem on the table of items made only of the named attributes (dynamodb:Attributes), without
    /// reading the replaced item back (ReturnValues NONE), and the key through DynamoDB for this table: the
    /// execution-end recorder writes FAILED items this way.
    /// </summary>
    public Grant GrantPutItem(IGrantable grantee, IReadOnlyList<string> attributes) =>
        GrantOnAttributes(grantee, "dynamodb:PutItem", attributes, ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
            "dynamodb:ReturnValues", ["NONE"]);

    /// <summary>
    /// What an operator reads: dynamodb:GetItem and dynamodb:Query on the table, dynamodb:Query on the
    /// status index ("jobs by status, newest first"), and kms:Decrypt through DynamoDB for this table.
    /// Table.GrantReadData would add Scan, BatchGetItem, ConditionCheckItem and DescribeTable, and every index.
    /// </summary>
    public Grant GrantReadItems(IGrantable grantee) =>
        Grant.AddToPrincipal(new GrantOnPrincipalOptions
        {
            Grantee = grantee,
            Actions = ["dynamodb:GetItem", "dynamodb:Query"],
            ResourceArns = [Table.TableArn],
        })
            .Combine(Grant.AddToPrincipal(
                new GrantOnPrincipalOptions { Grantee = grantee, Actions = ["dynamodb:Query"], ResourceArns = [StatusIndexArn] }))
            .Combine(key.GrantViaService(grantee, "dynamodb", ["kms:Decrypt"],
                new KeyValuePair<string, string>("aws:dynamodb:tableName", Table.TableName)));

    /// <summary>A request's ExpressionAttributeNames for these attributes: <c>#name</c> for each (the SDK integrations' form).</summary>
    public static Dictionary<string, object> ExpressionNames(IEnumerable<string> attributes) =>
        attributes.ToDictionary(name => $"#{name}", name => (object)name);

    /// <summary>A ProjectionExpression of these attributes, by their <see cref="ExpressionNames"/>.</summary>
    public static string Projection(IEnumerable<string> attributes) => string.Join(", ", attributes.Select(name => $"#{name}"));

    /// <summary>The key of the item of the job named at <paramref name="jobNamePath"/>, as an SDK integration sends it.</summary>
    public static Dictionary<string, object> KeyOf(string jobNamePath) => new()
    {
        [JobMetadataSchema.JobName] = new Dictionary<string, object> { ["S"] = JsonPath.StringAt(jobNamePath) },
    };

    /// <summary>
    /// GetItem's parameters for <paramref name="attributes"/> of the item of the job named at <paramref name="jobNamePath"/>,
    /// read consistently: the item is written just before it is read (a token before a wait, a failure before an end).
    /// </summary>
    public Dictionary<string, object> ReadLatest(string jobNamePath, IReadOnlyList<string> attributes) => new()
    {
        ["TableName"] = Table.TableName,
        ["Key"] = KeyOf(jobNamePath),
        ["ProjectionExpression"] = Projection(attributes),
        ["ExpressionAttributeNames"] = ExpressionNames(attributes),
        ["ConsistentRead"] = true,
    };

    /// <summary>The ARN of the status index (<see cref="JobMetadataSchema.StatusIndex"/>).</summary>
    public string StatusIndexArn => Stack.Of(this).FormatArn(new ArnComponents
    {
        Service = "dynamodb",
        Resource = "table",
        ResourceName = $"{Table.TableName}/index/{JobMetadataSchema.StatusIndex}",
        ArnFormat = ArnFormat.SLASH_RESOURCE_NAME,
    });

    /// <summary>
    /// dynamodb:UpdateItem on the table, only of the named attributes (dynamodb:Attributes), and the key
    /// through DynamoDB for this table: the workflow's wait stores its task token this way.
    /// </summary>
    public Grant GrantUpdateItem(IGrantable grantee, IReadOnlyList<string> attributes) =>
        // Nor may it read the old item back (ReturnValues ALL_OLD/ALL_NEW would return other attributes).
        GrantOnAttributes(grantee, "dynamodb:UpdateItem", attributes, ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
            "dynamodb:ReturnValues", ["NONE", "UPDATED_OLD", "UPDATED_NEW"]);

    /// <summary>
    /// dynamodb:GetItem on the table, only of the named attributes (dynamodb:Attributes), and kms:Decrypt
    /// through DynamoDB for this table: the completion notifier reads a waiting execution's token this way.
    /// </summary>
    public Grant GrantGetItem(IGrantable grantee, IReadOnlyList<string> attributes) =>
        // Only with a projection (Select SPECIFIC_ATTRIBUTES), as AWS's fine-grained access example asks.
        GrantOnAttributes(grantee, "dynamodb:GetItem", attributes, ["kms:Decrypt"], "dynamodb:Select", ["SPECIFIC_ATTRIBUTES"]);

    /// <summary>
    /// The intake window's items only: UpdateItem of the counter item (<see cref="JobMetadataSchema.WindowKey"/>),
    /// PutItem and DeleteItem of slot items (<see cref="JobMetadataSchema.SlotKeyPrefix"/>), by dynamodb:LeadingKeys
    /// (a transaction is authorized item by item, with the action of each), and the key through DynamoDB for this
    /// table: the admitter counts and claims slots this way, never touching a job's item.
    /// </summary>
    public Grant GrantWindow(IGrantable grantee) =>
        Grant.AddToPrincipal(new GrantOnPrincipalOptions
        {
            Grantee = grantee,
            Actions = ["dynamodb:UpdateItem"],
            ResourceArns = [Table.TableArn],
            Conditions = new Dictionary<string, IDictionary<string, object>>
            {
                ["ForAllValues:StringEquals"] =
                    new Dictionary<string, object> { ["dynamodb:LeadingKeys"] = new[] { JobMetadataSchema.WindowKey } },
            },
        })
        .Combine(Grant.AddToPrincipal(new GrantOnPrincipalOptions
        {
            Grantee = grantee,
            Actions = ["dynamodb:PutItem", "dynamodb:DeleteItem"],
            ResourceArns = [Table.TableArn],
            Conditions = new Dictionary<string, IDictionary<string, object>>
            {
                ["ForAllValues:StringLike"] =
                    new Dictionary<string, object> { ["dynamodb:LeadingKeys"] = new[] { JobMetadataSchema.SlotKeyPrefix + "*" } },
            },
        }))
        .Combine(key.GrantViaService(grantee, "dynamodb", ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
            new KeyValuePair<string, string>("aws:dynamodb:tableName", Table.TableName)));

    /// <summary>The action on the named attributes only, with <paramref name="guardKey"/> one of <paramref name="guardValues"/> where the
    /// request sets it.</summary>
    private Grant GrantOnAttributes(IGrantable grantee, string action, IReadOnlyList<string> attributes, string[] keyActions,
        string guardKey, string[] guardValues) =>
        Grant.AddToPrincipal(new GrantOnPrincipalOptions
        {
            Grantee = grantee,
            Actions = [action],
            ResourceArns = [Table.TableArn],
            Conditions = new Dictionary<string, IDictionary<string, object>>
            {
                ["ForAllValues:StringEquals"] = new Dictionary<string, object> { ["dynamodb:Attributes"] = attributes.ToArray() },
                ["StringEqualsIfExists"] = new Dictionary<string, object> { [guardKey] = guardValues },
            },
        }).Combine(
            key.GrantViaService(grantee, "dynamodb", keyActions,
                new KeyValuePair<string, string>("aws:dynamodb:tableName", Table.TableName)));
}
