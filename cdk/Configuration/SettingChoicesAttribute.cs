using System.Reflection;

namespace TranscribeStack.Cdk.Configuration;

/// <summary>
/// Names the static list that holds a setting's valid choices: the value of a string, the items of a
/// list, the keys of a map. The validation checks against that list and the settings file's JSON Schema
/// offers it, so the choices are written once.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SettingChoicesAttribute(Type owner, string listName) : Attribute
{
    public Type Owner { get; } = owner;

    public string ListName { get; } = listName;

    public IReadOnlyList<string> Choices =>
        Owner.GetProperty(ListName, BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as IReadOnlyList<string>
        ?? throw new InvalidOperationException($"{Owner.Name}.{ListName} is not a public static IReadOnlyList<string>.");
}
