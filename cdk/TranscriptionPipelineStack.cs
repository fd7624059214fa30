using Amazon.CDK;
using Constructs;
using TranscribeStack.Cdk.Configuration;

namespace TranscribeStack.Cdk;

public sealed class TranscriptionPipelineStackProps : StackProps
{
    public required EnvironmentSettings Settings { get; init; }
}

/// <summary>
/// The one deployable stack of an environment. It only composes the pipeline's constructs
/// and wires them together; each concern lives in its own construct.
/// </summary>
public sealed class TranscriptionPipelineStack : Stack
{
    public const string ApplicationName = "TranscribeStack";

    public TranscriptionPipelineStack(Construct scope, string id, TranscriptionPipelineStackProps props)
        : base(scope, id, WithDefaults(props))
    {
        var settings = props.Settings;
        ApplyTags(this, settings);
    }

    private static TranscriptionPipelineStackProps WithDefaults(TranscriptionPipelineStackProps props)
    {
        var settings = props.Settings;
        props.Env ??= settings.ToCdkEnvironment();
        props.StackName ??= settings.StackName;
        props.Description ??= $"{ApplicationName} ({settings.Name}): event-driven Amazon Transcribe batch pipeline";
        props.TerminationProtection ??= settings.DeletionProtection;
        return props;
    }

    private static void ApplyTags(Stack stack, EnvironmentSettings settings)
    {
        var tags = Amazon.CDK.Tags.Of(stack);
        tags.Add("Environment", settings.Name);
        tags.Add("Application", ApplicationName);
        tags.Add("CostCenter", settings.Tags.CostCenter);
        tags.Add("Owner", settings.Tags.Owner);
        tags.Add("DataClassification", settings.Tags.DataClassification);
    }
}
