using System.Reflection;

namespace TranscribeStack.Cdk.Configuration;

/// <summary>What a setting holds, as JSON sees it.</summary>
public enum SettingKind
{
    Text,
    Boolean,
    WholeNumber,
    Number,

    /// <summary>A CLR enum (RemovalPolicy, RetentionDays, LogLevel): one of its member names.</summary>
    Enum,
    StringList,
    StringMap,

    /// <summary>A map from a name to a nested settings record.</summary>
    RecordMap,

    /// <summary>A nested settings record.</summary>
    Record,
}

/// <summary>One settable member of a settings record, under its JSON name.</summary>
public sealed record SettingProperty(string JsonName, PropertyInfo Property, SettingKind Kind, bool Nullable, Type ValueType)
{
    /// <summary>The valid choices of the value, the list items or the map keys, when the record names them.</summary>
    public IReadOnlyList<string>? Choices => Property.GetCustomAttribute<SettingChoicesAttribute>()?.Choices;

    /// <summary>The inclusive range of a whole number, when the record states it.</summary>
    public SettingRangeAttribute? Range => Property.GetCustomAttribute<SettingRangeAttribute>();
}

/// <summary>
/// The settings records as JSON: every init property of <see cref="EnvironmentSettings"/> and its nested
/// records, named in camelCase (the keys the validation names). The settings-file reader walks this
/// shape, and the test that keeps config/settings.schema.json equal to the record generates the schema from it.
/// </summary>
public static class SettingsShape
{
    private static readonly NullabilityInfoContext Nullability = new();

    /// <summary>The settable properties of a settings record, in declaration order.</summary>
    public static IReadOnlyList<SettingProperty> PropertiesOf(Type record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0)
            .OrderBy(p => p.MetadataToken)
            .Select(p =>
            {
                var (kind, valueType) = KindOf(p.PropertyType);
                var nullable = System.Nullable.GetUnderlyingType(p.PropertyType) is not null
                    || (!p.PropertyType.IsValueType && Nullability.Create(p).WriteState == NullabilityState.Nullable);
                return new SettingProperty(JsonName(p.Name), p, kind, nullable, valueType);
            })
            .ToList();
    }

    public static string JsonName(string propertyName) =>
        string.IsNullOrEmpty(propertyName) ? propertyName : char.ToLowerInvariant(propertyName[0]) + propertyName[1..];

    /// <summary>The JSON kind of a property type and, for records and record maps, the record type.</summary>
    public static (SettingKind Kind, Type ValueType) KindOf(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var t = System.Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(string))
        {
            return (SettingKind.Text, t);
        }

        if (t == typeof(bool))
        {
            return (SettingKind.Boolean, t);
        }

        if (t == typeof(int) || t == typeof(long))
        {
            return (SettingKind.WholeNumber, t);
        }

        if (t == typeof(double))
        {
            return (SettingKind.Number, t);
        }

        if (t.IsEnum)
        {
            return (SettingKind.Enum, t);
        }

        if (t == typeof(IReadOnlyList<string>))
        {
            return (SettingKind.StringList, typeof(string));
        }

        if (t == typeof(IReadOnlyDictionary<string, string>))
        {
            return (SettingKind.StringMap, typeof(string));
        }

        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)
            && t.GetGenericArguments()[0] == typeof(string) && IsRecord(t.GetGenericArguments()[1]))
        {
            return (SettingKind.RecordMap, t.GetGenericArguments()[1]);
        }

        if (IsRecord(t))
        {
            return (SettingKind.Record, t);
        }

        throw new NotSupportedException($"Settings cannot hold a {type.Name}: add its JSON form to SettingsShape.");
    }

    /// <summary>A C# record of this assembly (it has the compiler's clone method).</summary>
    public static bool IsRecord(Type type) =>
        type is not null && type.Namespace == typeof(EnvironmentSettings).Namespace && type.GetMethod("<Clone>$") is not null;
}
