using System.Reflection;

namespace TranscribeStack.Cdk.Tests;

/// <summary>
/// <see cref="StateNames"/> holds exactly the states of each synthesized state machine: a state named without its
/// constant, or a constant left behind by a removed state, fails here (and so cannot reach contracts/state-names.json).
/// </summary>
[Collection(SynthesizedStacksCollection.Name)]
public sealed class StateNamesTests(SynthesizedStacks stacks)
{
    public static TheoryData<string, string> Machines => new()
    {
        { nameof(StateNames.Workflow), LogicalIds.StateMachine },
        { nameof(StateNames.Admitter), LogicalIds.Admitter },
        { nameof(StateNames.Notifier), LogicalIds.Notifier },
        { nameof(StateNames.EndRecorder), LogicalIds.Recorder },
        { nameof(StateNames.Reprocessing), LogicalIds.Reprocessing },
    };

    [Theory]
    [MemberData(nameof(Machines))]
    public void Constants_AreTheStatesOfTheStateMachine(string machine, string stateMachine)
    {
        var constants = typeof(StateNames).GetNestedType(machine)!.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (string)f.GetRawConstantValue()!).Order(StringComparer.Ordinal);
        var synthesized = new[] { stacks["dev"], stacks["staging"], stacks["prod"], stacks.Example }
            .SelectMany(stack => StateMachineDefinition.Of(stack, stateMachine).AllStateNames)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

        Assert.Equal(synthesized, constants);
    }

    [Fact]
    public void Machines_AreEveryClassOfStateNames()
    {
        Assert.Equal(typeof(StateNames).GetNestedTypes().Select(t => t.Name).Order(StringComparer.Ordinal),
            Machines.Select(row => (string)row[0]).Order(StringComparer.Ordinal));
    }
}
