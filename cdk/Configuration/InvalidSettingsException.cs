namespace TranscribeStack.Cdk.Configuration;

/// <summary>
/// Thrown when the environment name, a context value or a settings value is not valid.
/// The message names the key, the bad value and what would have been accepted.
/// </summary>
public sealed class InvalidSettingsException : Exception
{
    public InvalidSettingsException(string message)
        : base(message)
    {
    }

    public InvalidSettingsException(IReadOnlyCollection<string> problems)
        : this("Invalid TranscribeStack settings:", problems)
    {
    }

    /// <param name="header">The first line: what was being read (an environment, a settings file).</param>
    /// <param name="problems">One line each: the key, the bad value, what is valid.</param>
    public InvalidSettingsException(string header, IReadOnlyCollection<string> problems)
        : base(header + System.Environment.NewLine + string.Join(System.Environment.NewLine, problems.Select(p => "  - " + p)))
    {
        Problems = problems;
    }

    public InvalidSettingsException()
    {
    }

    public InvalidSettingsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public IReadOnlyCollection<string> Problems { get; } = [];
}
