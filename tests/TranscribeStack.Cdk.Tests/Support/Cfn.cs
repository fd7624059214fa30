namespace TranscribeStack.Cdk.Tests.Support;

/// <summary>CloudFormation intrinsics as they appear in a synthesized template, for template patterns.</summary>
internal static class Cfn
{
    /// <summary><c>{ "Ref": logicalId }</c>: a bucket's or table's name, a queue's URL, a state machine's ARN.</summary>
    public static ObjectDict Ref(string logicalId) => new() { ["Ref"] = logicalId };

    /// <summary><c>{ "Fn::GetAtt": [logicalId, "Arn"] }</c>.</summary>
    public static ObjectDict Arn(string logicalId) => new() { ["Fn::GetAtt"] = new object[] { logicalId, "Arn" } };

    /// <summary>One tag as CloudFormation lists it.</summary>
    public static ObjectDict Tag(string key, string value) => new() { ["Key"] = key, ["Value"] = value };
}
