using System.Globalization;

namespace TranscribeStack.Functions;

/// <summary>Reads a function's settings from its environment variables, failing with the variable's name.</summary>
internal static class Settings
{
    public static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"Environment variable {name} is not set.");

    public static T Parse<T>(string name)
        where T : ISpanParsable<T> =>
        T.TryParse(Required(name), CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidOperationException($"Environment variable {name} = '{Required(name)}' is not a valid {typeof(T).Name}.");
}
