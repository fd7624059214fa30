namespace TranscribeStack.Cdk.Tests.Support;

/// <summary>One IAM statement of a synthesized template, with intrinsics rendered.</summary>
internal sealed record Statement(JsonObject Json)
{
    public string Effect => Json["Effect"]!.GetValue<string>();

    public bool IsAllow => Effect == "Allow";

    public string? Sid => Json["Sid"]?.GetValue<string>();

    /// <summary>Actions in ordinal order: IAM does not care about their order, the tests should not either.</summary>
    public IReadOnlyList<string> Actions => Rendered.List(Json["Action"]).Order(StringComparer.Ordinal).ToList();

    public IReadOnlyList<string> Resources => Rendered.List(Json["Resource"]);

    public JsonObject? Conditions => Json["Condition"]?.AsObject();

    /// <summary>Service principals (Principal.Service), rendered.</summary>
    public IReadOnlyList<string> ServicePrincipals => Rendered.List(Json["Principal"]?["Service"]);

    public IReadOnlyList<string> AwsPrincipals =>
        Json["Principal"] is JsonValue star ? [star.ToString()] : Rendered.List(Json["Principal"]?["AWS"]);

    /// <summary>The rendered value of one condition, e.g. ("StringEquals", "aws:SourceAccount").</summary>
    public string? Condition(string op, string key) => Conditions?[op]?[key] is { } value ? Rendered.Text(value) : null;

    /// <summary>The rendered values of one condition that may list several, e.g. ("ForAllValues:StringEquals", "aws:TagKeys").</summary>
    public IReadOnlyList<string> ConditionValues(string op, string key) => Rendered.List(Conditions?[op]?[key]);

    /// <summary>Whether this statement names (by pattern) the action on the resource; conditions are not evaluated.</summary>
    public bool Covers(string action, string resource) =>
        Actions.Any(a => Rendered.Matches(a, action)) && Resources.Any(r => Rendered.Matches(r, resource, ignoreCase: false));

    public override string ToString() => Json.ToJsonString();
}
