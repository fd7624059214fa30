using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Amazon.CDK.AWS.S3.Assets;
using Amazon.JSII.Runtime.Deputy;

namespace TranscribeStack.Cdk.Functions;

/// <summary>
/// Packages the C# functions without Docker: the CDK calls <see cref="TryBundle"/> during synthesis,
/// which runs <c>dotnet publish</c> (Release, linux-arm64, framework-dependent for the managed
/// dotnet10 runtime, ReadyToRun) into the asset folder.
/// </summary>
public sealed class DotnetPublishBundling : DeputyBase, ILocalBundling
{
    /// <summary>Files at the repository root that MSBuild applies to every project.</summary>
    private static readonly string[] BuildFiles = ["global.json", "Directory.Build.props", "Directory.Packages.props"];

    private readonly string projectDirectory;

    private DotnetPublishBundling(string projectDirectory) => this.projectDirectory = projectDirectory;

    /// <summary>
    /// The Lambda code asset for the functions project in <paramref name="projectDirectory"/>. The asset
    /// hash comes from the source that goes into the build (bin/ and obj/ excluded): the project, the
    /// projects it references (read from the project files) and the repository's build files, so an
    /// unchanged build is not re-published into an existing cdk.out, ReadyToRun's non-deterministic
    /// output does not show as a diff, and a change in a referenced project still changes the asset.
    /// </summary>
    public static Code FromProject(string projectDirectory)
    {
        var fullPath = Path.GetFullPath(projectDirectory);
        if (!Directory.Exists(fullPath))
        {
            throw new DirectoryNotFoundException($"Functions project folder not found: {fullPath}");
        }

        return Code.FromAsset(fullPath, new Amazon.CDK.AWS.S3.Assets.AssetOptions
        {
            AssetHashType = AssetHashType.CUSTOM,
            AssetHash = SourceHash(fullPath),
            Exclude = ["bin", "obj", "**/bin", "**/obj"],
            Bundling = new BundlingOptions
            {
                // Never used: TryBundle always bundles locally or fails with the publish output.
                Image = Amazon.CDK.DockerImage.FromRegistry("docker-is-not-used"),
                Local = new DotnetPublishBundling(fullPath),
            },
        });
    }

    /// <summary>
    /// SHA-256 over every source file of the project and of the projects it references, transitively
    /// (bin/ and obj/ excluded), and the build files MSBuild reads from the folders above it; paths are
    /// taken relative to the repository (the folder of global.json), so the hash does not depend on
    /// where the app runs from.
    /// </summary>
    internal static string SourceHash(string projectDirectory)
    {
        var root = FindUp(projectDirectory, "global.json");
        var files = ProjectDirectories(projectDirectory)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Where(file => !Path.GetRelativePath(folder, file).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj")))
            .Concat(BuildFiles.Select(name => Path.Combine(root, name)).Where(File.Exists))
            .Select(file => (Relative: Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/'), Full: file))
            .OrderBy(file => file.Relative, StringComparer.Ordinal);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (relative, full) in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(relative + "\n"));
            hash.AppendData(File.ReadAllBytes(full));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The project's folder and, transitively, the folders of the projects it references.</summary>
    private static SortedSet<string> ProjectDirectories(string projectDirectory)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(projectDirectory)]);
        while (pending.TryPop(out var directory))
        {
            if (!seen.Add(directory))
            {
                continue;
            }

            foreach (var project in Directory.EnumerateFiles(directory, "*.csproj"))
            {
                foreach (var reference in XDocument.Load(project).Descendants("ProjectReference"))
                {
                    var include = reference.Attribute("Include")?.Value
                        ?? throw new InvalidOperationException($"{project}: a ProjectReference without Include.");
                    pending.Push(Path.GetDirectoryName(Path.GetFullPath(Path.Combine(directory, include.Replace('\\', '/'))))!);
                }
            }
        }

        return seen;
    }

    private static string FindUp(string directory, string fileName)
    {
        for (var current = new DirectoryInfo(directory); current is not null; current = current.Parent)
        {
            if (File.Exists(Path.Combine(current.FullName, fileName)))
            {
                return current.FullName;
            }
        }

        throw new FileNotFoundException($"No {fileName} in {directory} or above it: the repository root is where global.json is.");
    }

    public bool TryBundle(string outputDir, IBundlingOptions options)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
                 {
                     "publish", projectDirectory, "--configuration", "Release", "--runtime", "linux-arm64",
                     "--self-contained", "false", "-p:PublishReadyToRun=true", "--output", outputDir, "--nologo",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start 'dotnet publish'.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'dotnet publish {projectDirectory}' failed with exit code "
                + $"{process.ExitCode}:{System.Environment.NewLine}{stdout.Result}{stderr.Result}");
        }

        return true;
    }
}
