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
        Write("functions/F/F.csproj",
            """<Project><ItemGroup><ProjectReference Include="../../contracts/C/C.csproj" /></ItemGroup></Project>""");
        Write("functions/F/Handler.cs", "class Handler {}");
        Write("contracts/C/C.csproj", "<Project />");
        Write("contracts/C/Plan.cs", "record Plan;");
        Write("other/O.cs", "class Unrelated {}");
    }

    private string Hash => DotnetPublishBundling.SourceHash(Path.Combine(root, "functions", "F"));

    [Theory]
    [InlineData("functions/F/Handler.cs", true)]
    [InlineData("contracts/C/Plan.cs", true)]
    [InlineData("Directory.Build.props", true)]
    [InlineData("functions/F/bin/Release/F.dll", false)]
    [InlineData("contracts/C/obj/project.assets.json", false)]
    [InlineData("other/O.cs", false)]
    public void SourceHash_ChangesWithTheProjectItsReferencesAndTheBuildFiles_NotWithBuildOutputOrUnrelatedFolders(string file,
        bool changes)
    {
        var before = Hash;

        Write(file, "changed");

        Assert.Equal(changes, before != Hash);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    private void Write(string relative, string content)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
