using System.Globalization;
using System.Text.RegularExpressions;

namespace TranscribeStack.Cdk.Configuration;

/// <summary>Collects validation problems in one wording: key, bad value, what is valid.</summary>
internal sealed class SettingsCheck(List<string> problems)
{
    public void That(bool condition, string key, object? value, string rule)
    {
        if (!condition)
        {
            problems.Add($"'{key}' = '{Format(value)}': {rule}.");
        }
    }

    public void OneOf(string key, string? value, IReadOnlyCollection<string> choices) =>
        That(value is not null && choices.Contains(value, StringComparer.Ordinal), key, value,
            "valid choices are " + string.Join(", ", choices));

    /// <summary>Like <see cref="OneOf"/> for long lists: the rule says what is expected instead of listing every choice.</summary>
    public void Among(string key, string? value, IReadOnlyCollection<string> choices, string expected) =>
        That(value is not null && choices.Contains(value, StringComparer.Ordinal), key, value, expected);

    public void InRange(string key, long value, long min, long max) =>
        That(value >= min && value <= max, key, value, $"must be between {min} and {max}");

    /// <summary>Every whole-number setting of a record with a <see cref="SettingRangeAttribute"/>, when set, within its range.</summary>
    public void Ranges(object record, string prefix)
    {
        foreach (var setting in SettingsShape.PropertiesOf(record.GetType()))
        {
            if (setting.Range is { } range && setting.Property.GetValue(record) is { } value)
            {
                InRange($"{prefix}.{setting.JsonName}", Convert.ToInt64(value, CultureInfo.InvariantCulture), range.Minimum, range.Maximum);
            }
        }
    }

    public void Matches(string key, string? value, string pattern, string expected) =>
        That(value is not null && Regex.IsMatch(value, pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)), key, value,
            "expected " + expected);

    private static string Format(object? value) => value switch
    {
        null => "(unset)",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
