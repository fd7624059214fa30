using System.Security.Cryptography;
using System.Text;
using TranscribeStack.Contracts;

namespace TranscribeStack.Functions.JobPlanning;

/// <summary>
/// The name of the workflow execution of an upload: what an operator types into the console's search.
/// <c>&lt;file name&gt;-&lt;hash&gt;</c>, plus <c>-r&lt;marker&gt;</c> for a re-run: the readable file name
/// without its extension, and the first 16 hex digits of SHA-256 over bucket, key and version. The job is
/// named after the execution (<see cref="JobNames"/>): the execution and its job are found by the same text. One object
/// version always maps to one name: a duplicate event's StartExecution finds the execution already there.
/// Step Functions allows 80 characters and forbids whitespace, brackets, wildcards, several special and
/// all control characters (StartExecution's <c>name</c>); it asks for only [0-9A-Za-z_-] when the
/// execution logs to CloudWatch Logs, as ours do: that is the alphabet used.
/// </summary>
public static class ExecutionNames
{
    /// <summary>Step Functions' limit on an execution name.</summary>
    public const int MaxLength = JobNames.MaxExecutionNameLength;

    /// <summary>Hex digits of the hash: 64 bits.</summary>
    public const int HashLength = 16;

    /// <summary>What stands for a file name that has no allowed character.</summary>
    private const string Unreadable = "media";

    /// <summary>The characters an execution name here may hold.</summary>
    public static bool IsAllowed(char c) => JobNames.IsExecutionNameCharacter(c);

    /// <summary>The execution name of <paramref name="upload"/> (its bucket and key must be set; see JobPlanner).</summary>
    public static string Of(Upload upload)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var suffix = $"-{Hash(upload)}" + (upload.Rerun is { } marker ? $"-r{marker}" : string.Empty);
        return Readable(upload.Key, MaxLength - suffix.Length) + suffix;
    }

    /// <summary>SHA-256 of bucket, key and version (the version id, or the ETag of an unversioned object), hex.</summary>
    private static string Hash(Upload upload)
    {
        var version = upload.VersionId ?? upload.ETag?.Trim('"') ?? string.Empty;
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{upload.Bucket}\n{upload.Key}\n{version}")))[..HashLength];
    }

    /// <summary>
    /// The file name without extension: each run of characters an execution name may not hold becomes one
    /// '-', then cut to <paramref name="maxLength"/>; "media" when nothing readable is left.
    /// </summary>
    private static string Readable(string key, int maxLength)
    {
        var fileName = key[(key.LastIndexOf('/') + 1)..];
        var dot = fileName.LastIndexOf('.');
        var stem = dot > 0 ? fileName[..dot] : fileName;

        var builder = new StringBuilder(Math.Min(stem.Length, maxLength));
        foreach (var c in stem)
        {
            var next = IsAllowed(c) ? c : '-';
            if (next == '-' && builder.Length > 0 && builder[^1] == '-')
            {
                continue;
            }

            builder.Append(next);
        }

        var readable = builder.ToString().Trim('-');
        if (readable.Length > maxLength)
        {
            readable = readable[..maxLength].TrimEnd('-');
        }

        return readable.Length == 0 ? Unreadable : readable;
    }
}
