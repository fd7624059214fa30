using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.Logs;
using Constructs;

namespace TranscribeStack.Cdk.Tests.Support;

/// <summary>
/// One construct built alone in a bare stack (<c>new App()</c>, <c>new Stack(app, "Test")</c>), as aws-cdk's own unit
/// tests do: no settings, no other construct, and a template small enough that a test reads one behaviour in it.
/// </summary>
internal sealed class BareStack
{
    public const string JobNamePrefix = "transcribestack-test-";

    public BareStack()
    {
        Stack = new Stack(new App(), "Test");
        Key = new Key(Stack, "Key");
        Context = new PipelineContext
        {
            EnvironmentName = "test",
            Key = Key,
            LogRetention = RetentionDays.ONE_WEEK,
            RemovalPolicy = RemovalPolicy.DESTROY,
            JobNamePrefix = JobNamePrefix,
        };
    }

    public Stack Stack { get; }

    public Key Key { get; }

    /// <summary>The shared context every construct is given: the key above, a week's logs, destroyed with the stack.</summary>
    public PipelineContext Context { get; }

    /// <summary>The template, synthesized once the construct is built.</summary>
    public Template Template => Template.FromStack(Stack);

    /// <summary>The logical id the stack gives a construct's CloudFormation resource (its default child).</summary>
    public string LogicalId(IConstruct construct) => Stack.GetLogicalId((CfnElement)construct.Node.DefaultChild!);

    /// <summary>The only resource of a type: its logical id and its JSON.</summary>
    public (string Id, JsonObject Resource) Single(string type)
    {
        var found = JsonNode.Parse(JsonSerializer.Serialize(Template.FindResources(type)))!.AsObject();
        var (id, resource) = Assert.Single(found);
        return (id, resource!.AsObject());
    }
}
