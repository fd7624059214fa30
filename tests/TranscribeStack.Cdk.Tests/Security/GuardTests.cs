using TranscribeStack.Cdk.Security;
using TranscribeStack.Cdk.Tests.Support;

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
            Assert.All(statement.Actions, a => Assert.True(UnscopedActions.Reasons.ContainsKey(a), $"{owner}: {a} on '*' is not a listed unscoped action"));
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
            var type = resource!["Type"]!.GetValue<string>();
            var properties = resource["Properties"]?.AsObject();
            if (properties is null || type is "AWS::KMS::Alias" or "AWS::IAM::Policy")
            {
                continue;
            }

            Assert.All(PhysicalNameProperties, name => Assert.False(properties.ContainsKey(name), $"{id} ({type}) sets {name}"));
        }
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void StatefulResources_KeepTheirLogicalIds(string environment)
    {
        foreach (var (type, id) in LogicalIds.Stateful)
        {
            Assert.True(stacks[environment].ResourcesOfType(type).ContainsKey(id), $"{type} {id} was renamed: CloudFormation would replace it");
        }
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Buckets_AreAllTlsOnlyAndEncrypted(string environment)
    {
        var stack = stacks[environment];
        foreach (var (id, bucket) in stack.ResourcesOfType("AWS::S3::Bucket"))
        {
            Assert.NotNull(bucket["Properties"]!["BucketEncryption"]);
            Assert.Contains(stack.BucketPolicyStatements(id), s => s.Effect == "Deny" && s.Condition("Bool", "aws:SecureTransport") == "false");
        }
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Queues_AreAllKmsEncryptedAndTlsOnly(string environment)
    {
        var stack = stacks[environment];
        foreach (var (id, queue) in stack.ResourcesOfType("AWS::SQS::Queue"))
        {
            Assert.Equal("arn:" + LogicalIds.Key, Rendered.Text(queue["Properties"]!["KmsMasterKeyId"]));
            Assert.Equal(1_209_600, queue["Properties"]!["MessageRetentionPeriod"]!.GetValue<int>());
            var policy = stack.ResourcesOfType("AWS::SQS::QueuePolicy").Values
                .Single(p => p["Properties"]!["Queues"]!.AsArray().Any(q => Rendered.Text(q) == "ref:" + id));
            Assert.Contains(policy["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray(), s => new Statement(s!.AsObject()) is { Effect: "Deny" } d && d.Condition("Bool", "aws:SecureTransport") == "false");
        }
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void LogGroups_AreEncryptedWithRetentionFromSettings(string environment)
    {
        var stack = stacks[environment];
        var logGroups = stack.ResourcesOfType("AWS::Logs::LogGroup");

        // The two functions', the workflow's and the completion notifier's.
        Assert.Equal(4, logGroups.Count);
        Assert.All(logGroups.Values, group =>
        {
            Assert.Equal("arn:" + LogicalIds.Key, Rendered.Text(group["Properties"]!["KmsKeyId"]));
            Assert.Equal(RetentionDaysByEnvironment[environment], group["Properties"]!["RetentionInDays"]!.GetValue<int>());
        });
    }

    [Fact]
    public void UnscopedActions_EachHasAReason()
    {
        Assert.All(UnscopedActions.Reasons, pair => Assert.True(pair.Value.Length > 20, pair.Key));
    }
}
