using System.Text.RegularExpressions;

namespace TranscribeStack.Cdk.Tests.Configuration;

/// <summary>The lists the AWS SDK models too stay equal to @aws-sdk/client-transcribe (installed by npm ci).</summary>
public sealed partial class TranscribeLanguagesTests
{
    private static readonly string Enums = Path.Combine(RepositoryFiles.Root, "node_modules", "@aws-sdk", "client-transcribe", "dist-types",
        "models", "enums.d.ts");

    [Fact]
    public void BatchLanguageCodes_AreTheSdksLanguageCodes()
    {
        Assert.Equal(SdkEnum("LanguageCode"), TranscribeLanguages.BatchLanguageCodes.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void PiiEntityTypes_AreTheSdksPiiEntityTypes()
    {
        Assert.Equal(SdkEnum("PiiEntityType"), TranscribeLanguages.PiiEntityTypes.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void FeatureLanguages_AreBatchLanguages()
    {
        Assert.Subset(TranscribeLanguages.BatchLanguageCodes.ToHashSet(), TranscribeLanguages.RedactionLanguageCodes.ToHashSet());
        Assert.Subset(TranscribeLanguages.BatchLanguageCodes.ToHashSet(), TranscribeLanguages.ToxicityLanguageCodes.ToHashSet());
    }

    /// <summary>The values of <c>export declare const Name: { readonly X: "value"; ... }</c>, sorted.</summary>
    private static List<string> SdkEnum(string name)
    {
        var text = File.ReadAllText(Enums);
        var block = Regex.Match(text, $@"export declare const {name}: \{{(?<body>[^}}]*)\}};", RegexOptions.None, TimeSpan.FromSeconds(5));
        Assert.True(block.Success, $"{name} not found in {Enums}");
        return [.. EnumValue().Matches(block.Groups["body"].Value).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal)];
    }

    [GeneratedRegex("readonly [A-Z0-9_]+: \"([^\"]+)\";")]
    private static partial Regex EnumValue();
}
