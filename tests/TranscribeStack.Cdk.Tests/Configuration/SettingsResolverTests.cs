namespace TranscribeStack.Cdk.Tests.Configuration;

public sealed class SettingsResolverTests
{
    private static Dictionary<string, string?> Context(params (string Key, string? Value)[] values) =>
        values.ToDictionary(v => v.Key, v => v.Value);

    [Fact]
    public void Resolve_NoContext_SelectsDev()
    {
        var settings = SettingsResolver.Resolve(Context()).Value;

        Assert.Equal("dev", settings.Name);
        Assert.Equal("TranscribeStack-dev", settings.StackName);
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    public void Resolve_KnownEnvironment_SelectsIt(string name)
    {
        var settings = SettingsResolver.Resolve(Context(("env", name))).Value;

        Assert.Equal(name, settings.Name);
        Assert.Equal($"TranscribeStack-{name}", settings.StackName);
    }

    [Theory]
    [InlineData("qa")]
    [InlineData("Prod")]
    [InlineData("production")]
    public void Resolve_UnknownEnvironment_NamesKeyValueAndChoices(string name)
    {
        var error = Assert.Throws<InvalidSettingsException>(() => SettingsResolver.Resolve(Context(("env", name))));

        Assert.Contains($"'{name}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'env'", error.Message, StringComparison.Ordinal);
        Assert.Contains("dev, staging, prod", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_NoAccountOrRegion_IsEnvironmentAgnostic()
    {
        var settings = SettingsResolver.Resolve(Context(("env", "prod"))).Value;

        Assert.Null(settings.Account);
        Assert.Null(settings.Region);
        Assert.Null(settings.ToCdkEnvironment());
    }

    [Fact]
    public void Resolve_CliDefaults_AreUsedWhenContextIsSilent()
    {
        var settings = SettingsResolver.Resolve(Context(), "123456789012", "eu-west-1").Value;

        Assert.Equal("123456789012", settings.ToCdkEnvironment()!.Account);
        Assert.Equal("eu-west-1", settings.ToCdkEnvironment()!.Region);
    }

    [Fact]
    public void Resolve_ContextAccountAndRegion_WinOverCliDefaults()
    {
        var settings = SettingsResolver.Resolve(Context(("account", "210987654321"), ("region", "us-east-2")), "123456789012", "eu-west-1")
            .Value;

        Assert.Equal("210987654321", settings.Account);
        Assert.Equal("us-east-2", settings.Region);
    }

    [Theory]
    [InlineData("account", "12345", "12-digit")]
    [InlineData("account", "12345678901a", "12-digit")]
    [InlineData("region", "Europe", "eu-west-1")]
    [InlineData("alarmEmail", "ops.example.com", "e-mail")]
    public void Resolve_InvalidContextValue_NamesKeyValueAndExpectation(string key, string value, string expected)
    {
        var error = Assert.Throws<InvalidSettingsException>(() => SettingsResolver.Resolve(Context((key, value))));

        Assert.Contains($"'{key}' = '{value}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_AlarmEmail_ReachesAlarmSettings()
    {
        var settings = SettingsResolver.Resolve(Context(("alarmEmail", "oncall@example.com"))).Value;

        Assert.Equal("oncall@example.com", settings.Alarms.Email);
    }

    [Fact]
    public void Resolve_EmptyValues_AreTreatedAsAbsent()
    {
        var settings = SettingsResolver.Resolve(Context(("env", ""), ("account", " "), ("alarmEmail", null))).Value;

        Assert.Equal("dev", settings.Name);
        Assert.Null(settings.Account);
        Assert.Null(settings.Alarms.Email);
    }

    [Fact]
    public void Catalog_Prod_RetainsAndProtectsData()
    {
        var prod = EnvironmentCatalog.Prod;

        Assert.Equal(RemovalPolicy.RETAIN, prod.RemovalPolicy);
        Assert.True(prod.DeletionProtection);
        Assert.True(prod.Transcribe.AllowDeferredExecution);
        Assert.Null(prod.Storage.RawAudioExpireAfterDays);
    }

    [Fact]
    public void Catalog_Dev_IsDisposable()
    {
        var dev = EnvironmentCatalog.Dev;

        Assert.Equal(RemovalPolicy.DESTROY, dev.RemovalPolicy);
        Assert.False(dev.DeletionProtection);
    }
}
