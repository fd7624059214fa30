using System.Text.Json.Nodes;
using TranscribeStack.Contracts;
using TranscribeStack.Functions.JobPlanning;
using TranscribeStack.LocalInvoke;

namespace TranscribeStack.Functions.Tests.LocalInvoke;

/// <summary>The line protocol the Node workflow tests use to call the real job planner.</summary>
public sealed class LocalInvokerTests
{
    // One line: the protocol reads one request per line.
    private const string Event = """{"executionName":"a-b-0123456789abcdef-r2","upload":{"detail":{"bucket":{"name":"b"},"obj"""
        + """ect":{"key":"media/a b.mp3","size":123,"etag":"abc","version-id":"v1"}},"rerun":2}}""";

    private static async Task<JsonObject[]> Run(string input, Func<JobPlannerHandler>? create = null)
    {
        using var output = new StringWriter();
        await LocalInvoker.RunAsync(new StringReader(input), output,
            create ?? (() => new JobPlannerHandler(new JobPlanner("ts-dev-", "media/", "transcripts/", Fixture.Pacing))));
        return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToArray();
    }

    [Fact]
    public async Task Request_AnswersOneLineWithThePlan()
    {
        var answer = Assert.Single(await Run($$"""{"handler":"JobPlanner","payload":{{Event}}}""" + "\n"));

        Assert.True(answer["ok"]!.GetValue<bool>());
        Assert.Equal("ts-dev-a-b-0123456789abcdef-r2", answer["result"]!["jobName"]!.GetValue<string>());
    }

    [Fact]
    public async Task HandlerError_IsAnsweredWithTheExceptionClassName()
    {
        const string Request = """{"handler":"JobPlanner","payload":{"executionName":"a","upload":{"detail":{"bucket":{"name":"b"},"obj"""
            + """ect":{"size":1}}}}}""";
        var answer = Assert.Single(await Run(Request + "\n"));

        Assert.False(answer["ok"]!.GetValue<bool>());
        Assert.Equal(nameof(InvalidJobRequestException), answer["errorType"]!.GetValue<string>());
        Assert.Contains("detail.object.key", answer["errorMessage"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SeveralRequests_AreAnsweredInOrderAndTheToolKeepsGoing()
    {
        var answers = await Run(string.Join(
            '\n',
            """{"handler":"JobPlanner","payload":{}}""",
            """{"handler":"Unknown","payload":{}}""",
            string.Empty,
            $$"""{"handler":"JobPlanner","payload":{{Event}}}"""));

        Assert.Equal([false, false, true], answers.Select(a => a["ok"]!.GetValue<bool>()));
        Assert.Equal(nameof(InvalidJobRequestException), answers[0]["errorType"]!.GetValue<string>());
    }

    [Fact]
    public async Task PollPacingRequest_AnswersThePacingsBoundsFromItsSettings()
    {
        var answer = Assert.Single(await Run(
            """{"handler":"PollPacing","payload":""" +
            """{"minIntervalSeconds":60,"maxIntervalSeconds":240,"givesUpAfterSeconds":36000,"jobSecondsPerAudioSecond":0.5}}""" + "\n"));

        Assert.True(answer["ok"]!.GetValue<bool>());
        Assert.Equal(Fixture.Pacing.MostPolls, answer["result"]!["mostPolls"]!.GetValue<int>());
        Assert.Equal(PollPacing.MaxPolls, answer["result"]!["maxPolls"]!.GetValue<int>());
    }

    [Fact]
    public async Task PollPacingRequest_WithSettingsThePacingRejects_IsAnsweredWithItsError()
    {
        var answers = await Run(string.Join(
            '\n',
            """{"handler":"PollPacing","payload":""" +
            """{"minIntervalSeconds":0,"maxIntervalSeconds":300,"givesUpAfterSeconds":36000,"jobSecondsPerAudioSecond":0.5}}""",
            """{"handler":"PollPacing","payload":{"minIntervalSeconds":10,"maxIntervalSeconds":300,"givesUpAfterSeconds":36000}}"""));

        Assert.Equal([false, false], answers.Select(a => a["ok"]!.GetValue<bool>()));
        Assert.Equal(nameof(ArgumentOutOfRangeException), answers[0]["errorType"]!.GetValue<string>());
        Assert.Contains("jobSecondsPerAudioSecond", answers[1]["errorMessage"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PollPacingRequest_NeedsNoPlannerSettings()
    {
        var answer = Assert.Single(await Run(
            """{"handler":"PollPacing","payload":""" +
            """{"minIntervalSeconds":60,"maxIntervalSeconds":240,"givesUpAfterSeconds":36000,"jobSecondsPerAudioSecond":0.5}}""",
            () => throw new InvalidOperationException("Environment variable JOB_NAME_PREFIX is not set.")));

        Assert.True(answer["ok"]!.GetValue<bool>());
    }

    [Fact]
    public async Task MissingSettings_AreReportedPerRequest()
    {
        var answer = Assert.Single(await Run($$"""{"handler":"JobPlanner","payload":{{Event}}}""",
            () => throw new InvalidOperationException("Environment variable JOB_NAME_PREFIX is not set.")));

        Assert.Equal(nameof(InvalidOperationException), answer["errorType"]!.GetValue<string>());
        Assert.Contains("JOB_NAME_PREFIX", answer["errorMessage"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
