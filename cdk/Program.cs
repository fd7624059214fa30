using System.Globalization;
using TranscribeStack.Cdk;
using TranscribeStack.Cdk.Functions;

// The only place that reads context (-c key=value, cdk.json) and the CLI's environment variables.
var app = new App();
try
{
    var context = SettingsResolver.ContextKeys.ToDictionary(
        key => key,
        key => app.Node.TryGetContext(key) is { } value ? Convert.ToString(value, CultureInfo.InvariantCulture) : null);
    var settings = SettingsResolver.Resolve(
        context,
        System.Environment.GetEnvironmentVariable("CDK_DEFAULT_ACCOUNT"),
        System.Environment.GetEnvironmentVariable("CDK_DEFAULT_REGION"));

    _ = new TranscriptionPipelineStack(app, settings.Value.StackName, new TranscriptionPipelineStackProps
    {
        Settings = settings,
        // The CLI runs the app from the folder of cdk.json (the repository root).
        FunctionsCode = DotnetPublishBundling.FromProject("functions/TranscribeStack.Functions"),
    });
    app.Synth();
    return 0;
}
catch (InvalidSettingsException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 1;
}
