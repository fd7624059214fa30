using TranscribeStack.Cdk.Functions;

namespace TranscribeStack.Cdk.Tests.Functions;

/// <summary>The functions asset's hash follows every source that goes into the build, and nothing else.</summary>
public sealed class SourceHashTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("source-hash-").FullName;

    public SourceHashTests()
    {
        Write("global.json", "{}");
        Write("Directory.Build.props", "<Project />");
        Write("functions/F/F.csproj", """<Project><ItemGroup><ProjectReference Include="../../contracts/C/C.csproj" /></ItemGroup></Project>""");
        Write("functions/F/Handler.cs", "class Handler {}");
        Write("contracts/C/C.csproj", "<Project />");
        Write("contracts/C/Plan.cs", "record Plan;");
        Write("other/O.cs", "class Unrelated {}");
    }

    private string Hash => DotnetPublishBundling.SourceHash(Path.Combine(root, "functions", "F"));

    [Theory]
    [InlineData("functions/F/Handler.cs")]
    [InlineData("contracts/C/Plan.cs")]
    [InlineData("Directory.Build.props")]
    public void SourceHash_ChangesWithTheProjectItsReferencesAndTheBuildFiles(string file)
    {
        var before = Hash;

        Write(file, "changed");

        Assert.NotEqual(before, Hash);
    }

    [Theory]
    [InlineData("functions/F/bin/Release/F.dll")]
    [InlineData("contracts/C/obj/project.assets.json")]
    [InlineData("other/O.cs")]
    public void SourceHash_IgnoresBuildOutputAndUnrelatedFolders(string file)
    {
        var before = Hash;

        Write(file, "changed");

        Assert.Equal(before, Hash);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    private void Write(string relative, string content)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
