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
        : base("Invalid TranscribeStack settings:" + System.Environment.NewLine + string.Join(System.Environment.NewLine, problems.Select(p => "  - " + p)))
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
