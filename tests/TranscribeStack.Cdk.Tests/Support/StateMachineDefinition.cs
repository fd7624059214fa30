using System.Text.Json.Nodes;

namespace TranscribeStack.Cdk.Tests.Support;

/// <summary>The synthesized state machine definition, with references rendered, as JSON.</summary>
internal static class StateMachineDefinition
{
    public static JsonObject Of(SynthesizedStack stack) =>
        JsonNode.Parse(Rendered.Text(stack.Properties(LogicalIds.StateMachine)["DefinitionString"]))!.AsObject();

    public static JsonObject State(this JsonObject definition, string name) =>
        definition["States"]![name]?.AsObject() ?? throw new KeyNotFoundException($"No state named '{name}'");
}
