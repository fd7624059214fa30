using TranscribeStack.Cdk.Security;

namespace TranscribeStack.Cdk.Tests.Security;

/// <summary>Whole-stack rules that hold for every environment.</summary>
[Collection(SynthesizedStacksCollection.Name)]
public sealed class GuardTests(SynthesizedStacks stacks)
{
    private static readonly string[] PhysicalNameProperties =
    [
        "BucketName", "TableName", "FunctionName", "RoleName", "StateMachineName", "QueueName", "TopicName",
        "LogGroupName", "Name", "ManagedPolicyName", "PolicyName:Managed", "DashboardName", "AlarmName",
    ];

    private static readonly Dictionary<string, int> RetentionDaysByEnvironment = new() { ["dev"] = 14, ["staging"] = 30, ["prod"] = 365 };

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void IdentityPolicies_NoWildcardActions(string environment)
    {
        foreach (var (owner, statement) in stacks[environment].AllIdentityStatements())
        {
            Assert.DoesNotContain(statement.Actions, a => a == "*" || a.EndsWith(":*", StringComparison.Ordinal));
            Assert.True(statement.IsAllow, $"{owner}: {statement}");
        }
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void IdentityPolicies_WildcardResourceOnlyForUnscopedActions(string environment)
    {
        foreach (var (owner, statement) in stacks[environment].AllIdentityStatements().Where(s => s.Statement.Resources.Contains("*")))
        {
            Assert.True(statement.Resources.Count == 1, $"{owner}: '*' mixed with other resources: {statement}");
            Assert.All(statement.Actions,
                a => Assert.True(UnscopedActions.Reasons.ContainsKey(a), $"{owner}: {a} on '*' is not a listed unscoped action"));
            if (statement.Actions.Any(UnscopedActions.MustBeConditioned.Contains))
            {
                Assert.NotNull(statement.Conditions);
            }
        }
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void ResourcePolicies_AllowOnlyNamedPrincipalsWithoutWildcardActions(string environment)
    {
        foreach (var (owner, statement) in stacks[environment].AllResourceStatements().Where(s => s.Statement.IsAllow))
        {
            Assert.DoesNotContain("*", statement.AwsPrincipals);
            if (statement.AwsPrincipals.Count == 0)
            {
                // Service principals get exact actions and confused-deputy or encryption-context conditions.
                Assert.DoesNotContain(statement.Actions, a => a == "*" || a.EndsWith(":*", StringComparison.Ordinal));
                Assert.True(statement.Conditions is not null, $"{owner}: unconditioned service statement {statement}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Resources_HaveNoPhysicalNames(string environment)
    {
        foreach (var (id, resource) in stacks[environment].Resources)
        {
            var type = resource?["Type"]?.GetValue<string>();
            if (resource?["Properties"] is not JsonObject properties || type is "AWS::KMS::Alias" or "AWS::IAM::Policy")
            {
                continue;
            }

            // The two exceptions, each named after the stack where a reference would be a cycle: re-processing,
            // granted by ARN to its own role (see PrefixReprocessing), and the intake admitter, which the workflow
            // it starts starts in turn (see IntakeAdmitter).
            var exempt = id is LogicalIds.Reprocessing or LogicalIds.Admitter ? "StateMachineName" : null;
            Assert.All(PhysicalNameProperties.Where(name => name != exempt),
                name => Assert.False(properties.ContainsKey(name), $"{id} ({type}) sets {name}"));
        }
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void StatefulResources_KeepTheirLogicalIds(string environment)
    {
        foreach (var (type, id) in LogicalIds.Stateful)
        {
            Assert.True(stacks[environment].ResourcesOfType(type).ContainsKey(id),
                $"{type} {id} was renamed: CloudFormation would replace it");
        }
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Buckets_AreAllTlsOnlyAndEncrypted(string environment)
    {
        var stack = stacks[environment];

        stack.Template.AllResourcesProperties("AWS::S3::Bucket", new ObjectDict
        {
            ["BucketEncryption"] = new ObjectDict { ["ServerSideEncryptionConfiguration"] = new[] { Match.AnyValue() } },
        });
        Assert.All(stack.ResourcesOfType("AWS::S3::Bucket").Keys, bucket =>
            Assert.Contains(stack.BucketPolicyStatements(bucket),
                s => s.Effect == "Deny" && s.Condition("Bool", "aws:SecureTransport") == "false"));
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Queues_AreAllKmsEncryptedAndTlsOnly(string environment)
    {
        var stack = stacks[environment];

        stack.Template.AllResourcesProperties("AWS::SQS::Queue", new ObjectDict
        {
            ["KmsMasterKeyId"] = Cfn.Arn(LogicalIds.Key),
            ["MessageRetentionPeriod"] = 1_209_600,
        });
        Assert.All(stack.ResourcesOfType("AWS::SQS::Queue").Keys, queue =>
        {
            stack.Template.ResourcePropertiesCountIs("AWS::SQS::QueuePolicy",
                new ObjectDict { ["Queues"] = Match.ArrayWith([Cfn.Ref(queue)]) }, 1);
            Assert.Contains(stack.QueuePolicyStatements(queue),
                s => s.Effect == "Deny" && s.Condition("Bool", "aws:SecureTransport") == "false");
        });
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void LogGroups_AreEncryptedWithRetentionFromSettings(string environment)
    {
        var template = stacks[environment].Template;

        // The two functions', the workflow's, the upload starter's, the re-processing's, the completion notifier's
        // and the execution-end recorder's.
        template.ResourceCountIs("AWS::Logs::LogGroup", 7);
        template.AllResourcesProperties("AWS::Logs::LogGroup", new ObjectDict
        {
            ["KmsKeyId"] = Cfn.Arn(LogicalIds.Key),
            ["RetentionInDays"] = RetentionDaysByEnvironment[environment],
        });
    }

    [Fact]
    public void UnscopedActions_EachHasNoResourceTypeInTheServiceAuthorizationReference()
    {
        Assert.All(UnscopedActions.Reasons, pair =>
        {
            var (action, reason) = pair;
            // No resource type a request must name: none at all, or only optional ones (cloudwatch:GetMetricData).
            Assert.Empty(ServiceAuthorizationReference.RequiredResourceTypes(action));
            Assert.True(reason.Length > 20 && reason.Contains("resource", StringComparison.OrdinalIgnoreCase),
                $"{action}: the reason should say why no resource scopes it: '{reason}'");
        });
    }

    [Fact]
    public void UnscopedActions_ThoseThatMustBeConditioned_HaveConditionKeysInTheReference()
    {
        Assert.All(UnscopedActions.MustBeConditioned, action =>
        {
            Assert.Contains(action, UnscopedActions.Reasons.Keys);
            Assert.NotEmpty(ServiceAuthorizationReference.ConditionKeys(action));
        });
    }

    [Fact]
    public void UnscopedActions_EachIsGrantedOnAWildcardResourceInSomeEnvironment()
    {
        var onWildcard = stacks.All
            .SelectMany(stack => stack.AllIdentityStatements())
            .Where(s => s.Statement.Resources.Contains("*"))
            .SelectMany(s => s.Statement.Actions)
            .ToHashSet(StringComparer.Ordinal);

        // A listed action no template grants on "*" is a dead entry: remove it rather than keep an unused exception.
        Assert.All(UnscopedActions.Reasons.Keys, action => Assert.Contains(action, onWildcard));
    }
}
