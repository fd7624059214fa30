namespace TranscribeStack.Cdk.Tests.Support;

/// <summary>
/// The synthesized state machine definition, with references rendered (<see cref="Rendered"/>):
/// its states matched with CDK's matchers, and its flow as plain lines.
/// </summary>
internal sealed class StateMachineDefinition
{
    private readonly JsonObject json;

    private StateMachineDefinition(JsonObject json) => this.json = json;

    /// <summary>The definition of the workflow, or of another state machine of the stack.</summary>
    public static StateMachineDefinition Of(SynthesizedStack stack, string stateMachine = LogicalIds.StateMachine) =>
        new(JsonNode.Parse(Rendered.Text(stack.Properties(stateMachine)["DefinitionString"]))!.AsObject());

    public string StartAt => json["StartAt"]!.GetValue<string>();

    public int TimeoutSeconds => json["TimeoutSeconds"]!.GetValue<int>();

    public IEnumerable<string> StateNames => States.Select(s => s.Key);

    /// <summary>Every state's name, those of a Map's item processor included.</summary>
    public IEnumerable<string> AllStateNames => AllOf(States);

    /// <summary>The item processor of a Map state (a Distributed Map's children), as a definition of its own.</summary>
    public StateMachineDefinition ItemProcessor(string map) =>
        new(State(map)["ItemProcessor"]?.AsObject().DeepClone().AsObject()
            ?? throw new KeyNotFoundException($"State '{map}' has no ItemProcessor"));

    private JsonObject States => json["States"]!.AsObject();

    /// <summary>Asserts the state is like the pattern (<see cref="Match.ObjectLike"/>: it may hold more keys).</summary>
    public void HasState(string name, ObjectDict pattern) =>
        JsonMatch.AssertMatches(Match.ObjectLike(pattern), State(name), $"State '{name}'");

    /// <summary>A state's Parameters, rendered, as a copy.</summary>
    public JsonObject Parameters(string name) =>
        State(name)["Parameters"]?.DeepClone().AsObject() ?? throw new KeyNotFoundException($"State '{name}' has no Parameters");

    /// <summary>
    /// Where a state leads, in the definition's order: <c>next: X</c> or <c>end</c>, then each catcher
    /// (<c>catch Errors: X</c>); a choice's rules (<c>when condition: X</c>) and <c>otherwise: X</c>;
    /// <c>succeed</c> and <c>fail</c> for the terminal states.
    /// </summary>
    public IReadOnlyList<string> Transitions(string name)
    {
        var state = State(name);
        var transitions = new List<string>();
        switch (state["Type"]!.GetValue<string>())
        {
            case "Succeed":
                transitions.Add("succeed");
                break;
            case "Fail":
                transitions.Add("fail");
                break;
            case "Choice":
                transitions.AddRange(state["Choices"]!.AsArray().Select(c => $"when {Condition(c!.AsObject())}: {c["Next"]}"));
                if (state["Default"] is { } otherwise)
                {
                    transitions.Add($"otherwise: {otherwise}");
                }

                break;
            default:
                transitions.Add(state["Next"] is { } next ? $"next: {next}" : "end");
                break;
        }

        transitions.AddRange((state["Catch"]?.AsArray() ?? []).Select(c =>
            $"catch {string.Join(", ", c!["ErrorEquals"]!.AsArray())}: {c["Next"]}"));
        return transitions;
    }

    /// <summary>Every error name a state's retriers take, in the definition's order.</summary>
    public IEnumerable<string> Retriers(string name) =>
        (State(name)["Retry"]?.AsArray() ?? []).SelectMany(r => r!["ErrorEquals"]!.AsArray().Select(e => e!.GetValue<string>()));

    /// <summary>A state of the definition, or of a Map's item processor within it (state names are unique in a state machine).</summary>
    private JsonObject State(string name) =>
        Find(States, name) ?? throw new KeyNotFoundException($"No state named '{name}'");

    private static IEnumerable<string> AllOf(JsonObject states) =>
        states.SelectMany(s => new[] { s.Key }.Concat(s.Value!["ItemProcessor"]?["States"] is JsonObject inner ? AllOf(inner) : []));

    private static JsonObject? Find(JsonObject states, string name) =>
        states[name]?.AsObject()
        ?? states.Select(s => s.Value!["ItemProcessor"]?["States"]?.AsObject()).OfType<JsonObject>().Select(inner => Find(inner, name))
            .FirstOrDefault(found => found is not null);

    /// <summary>A choice rule as one line: <c>$.a StringEquals X</c>, <c>(a and b)</c>, <c>(a or b)</c>, <c>not a</c>.</summary>
    private static string Condition(JsonObject rule)
    {
        if (rule["And"] is JsonArray all)
        {
            return "(" + string.Join(" and ", all.Select(r => Condition(r!.AsObject()))) + ")";
        }

        if (rule["Or"] is JsonArray any)
        {
            return "(" + string.Join(" or ", any.Select(r => Condition(r!.AsObject()))) + ")";
        }

        if (rule["Not"] is JsonObject not)
        {
            return "not " + Condition(not);
        }

        var (comparison, value) = rule.Single(p => p.Key is not ("Variable" or "Next"));
        return $"{rule["Variable"]} {comparison} {value}";
    }
}
