using TranscribeStack.Cdk.Tests.Support;

namespace TranscribeStack.Cdk.Tests.Functions;

[Collection(SynthesizedStacksCollection.Name)]
public sealed class FunctionTemplateTests(SynthesizedStacks stacks)
{
    [Theory]
    [InlineData(LogicalIds.PostProcessorFunction, "TranscribeStack.Functions::TranscribeStack.Functions.PostProcessing.PostProcessorHandler::HandleAsync")]
    [InlineData(LogicalIds.JobPlannerFunction, "TranscribeStack.Functions::TranscribeStack.Functions.JobPlanning.JobPlannerHandler::HandleAsync")]
    public void Function_RunsOnManagedDotnet10Arm64(string function, string handler)
    {
        var properties = stacks["dev"].Properties(function);

        Assert.Equal("dotnet10", properties["Runtime"]!.GetValue<string>());
        Assert.Equal(["arm64"], properties["Architectures"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(handler, properties["Handler"]!.GetValue<string>());
        Assert.Equal("Active", properties["TracingConfig"]!["Mode"]!.GetValue<string>());
        Assert.Equal("arn:" + LogicalIds.Key, Rendered.Text(properties["KmsKeyArn"]));
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void PostProcessor_SizingComesFromSettings(string environment)
    {
        var stack = stacks[environment];
        var properties = stack.Properties(LogicalIds.PostProcessorFunction);
        var settings = stack.Settings.PostProcessor;

        Assert.Equal(settings.MemorySizeMb, properties["MemorySize"]!.GetValue<int>());
        Assert.Equal(settings.TimeoutSeconds, properties["Timeout"]!.GetValue<int>());
        Assert.Equal(settings.ReservedConcurrency, properties["ReservedConcurrentExecutions"]?.GetValue<int>());
    }

    [Fact]
    public void PostProcessor_GetsTableAndLimitsThroughEnvironment()
    {
        var variables = stacks["dev"].Properties(LogicalIds.PostProcessorFunction)["Environment"]!["Variables"]!;

        Assert.Equal("ref:" + LogicalIds.Table, Rendered.Text(variables["TABLE_NAME"]));
        Assert.Equal((256L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), variables["MAX_TRANSCRIPT_BYTES"]!.GetValue<string>());
        Assert.Equal("0.5", variables["LOW_CONFIDENCE_THRESHOLD"]!.GetValue<string>());
    }

    [Fact]
    public void JobPlanner_NamesJobsWithTheEnvironmentPrefix()
    {
        var variables = stacks["prod"].Properties(LogicalIds.JobPlannerFunction)["Environment"]!["Variables"]!;

        Assert.Equal("transcribestack-prod-", variables["JOB_NAME_PREFIX"]!.GetValue<string>());
        Assert.Equal("transcripts/", variables["TRANSCRIPT_PREFIX"]!.GetValue<string>());
        Assert.Equal("redacted-", variables["TRANSCRIPT_FILE_PREFIX"]!.GetValue<string>());
        Assert.Equal(string.Empty, stacks["dev"].Properties(LogicalIds.JobPlannerFunction)["Environment"]!["Variables"]!["TRANSCRIPT_FILE_PREFIX"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("dev", "36000")]
    [InlineData("prod", "144000")]
    public void JobPlanner_PacesPollingWithTheWorkflowSettings(string environment, string giveUpSeconds)
    {
        var variables = stacks[environment].Properties(LogicalIds.JobPlannerFunction)["Environment"]!["Variables"]!;

        Assert.Equal("10", variables["POLL_MIN_INTERVAL_SECONDS"]!.GetValue<string>());
        Assert.Equal("300", variables["POLL_MAX_INTERVAL_SECONDS"]!.GetValue<string>());
        Assert.Equal(giveUpSeconds, variables["POLL_GIVE_UP_AFTER_SECONDS"]!.GetValue<string>());
        Assert.Equal("0.5", variables["JOB_SECONDS_PER_AUDIO_SECOND"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(LogicalIds.PostProcessorFunction, "PostProcessorLogs300DB520")]
    [InlineData(LogicalIds.JobPlannerFunction, "JobPlannerLogsFF4F2553")]
    public void Function_LogsToItsOwnGroupAsJson(string function, string logGroup)
    {
        var logging = stacks["dev"].Properties(function)["LoggingConfig"]!;

        Assert.Equal("ref:" + logGroup, Rendered.Text(logging["LogGroup"]));
        Assert.Equal("JSON", logging["LogFormat"]!.GetValue<string>());
    }
}
