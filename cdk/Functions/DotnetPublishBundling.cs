using System.Diagnostics;
using Amazon.CDK;
using Amazon.CDK.AWS.Lambda;
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
    private readonly string projectDirectory;

    private DotnetPublishBundling(string projectDirectory) => this.projectDirectory = projectDirectory;

    /// <summary>
    /// The Lambda code asset for the functions project in <paramref name="projectDirectory"/>. The asset
    /// hash comes from the source (bin/ and obj/ excluded), so an unchanged project is not re-published
    /// into an existing cdk.out and ReadyToRun's non-deterministic output does not show as a diff.
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
            AssetHashType = AssetHashType.SOURCE,
            Exclude = ["bin", "obj", "**/bin", "**/obj"],
            Bundling = new BundlingOptions
            {
                // Never used: TryBundle always bundles locally or fails with the publish output.
                Image = DockerImage.FromRegistry("docker-is-not-used"),
                Local = new DotnetPublishBundling(fullPath),
            },
        });
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
                $"'dotnet publish {projectDirectory}' failed with exit code {process.ExitCode}:{System.Environment.NewLine}{stdout.Result}{stderr.Result}");
        }

        return true;
    }
}
