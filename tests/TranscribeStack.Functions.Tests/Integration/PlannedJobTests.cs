using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TranscribeStack.Contracts;
using TranscribeStack.Functions.JobPlanning;
using TranscribeStack.Functions.PostProcessing;

namespace TranscribeStack.Functions.Tests.Integration;

/// <summary>
/// Both handlers in sequence, as the state machine runs them: the planner's output names the job and
/// the transcript key; Transcribe's output (a fixture) is put there; the post-processor records it.
/// </summary>
[Collection(LocalServersCollection.Name)]
public sealed class PlannedJobTests(LocalServers servers)
{
    private const string UploadEvent = """
        {"version":"0","detail-type":"Object Created","source":"aws.s3","detail":{"bucket":{"name":"raw-bucket"},
         "object":{"key":"media/Team call (Mon).M4A","size":960000,"etag":"e1","version-id":"3HL4kqtJlcpXroDTDmJ"}}}
        """;

    private static async Task<JsonObject> Invoke(Func<Stream, Task<Stream>> handler, string json)
    {
        await using var output = await handler(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        return (await JsonNode.ParseAsync(output))!.AsObject();
    }

    [Fact]
    public async Task PlannedJob_IsRecordedUnderThePlannedName()
    {
        var planner = new JobPlannerHandler(new JobPlanner("ts-test-", "media/", "transcripts/", Fixture.Pacing));
        var postProcessor = new PostProcessorHandler(servers.S3, servers.Dynamo, LocalServers.TableName, 1024 * 1024, 0.5);

        // As the admitter names the execution, then its workflow plans the job of that execution.
        var named = await Invoke(planner.HandleAsync, $$"""{"executionNameOf":{{UploadEvent}}}""");
        var executionName = named["executionName"]!.GetValue<string>();
        var plan = await Invoke(planner.HandleAsync, $$"""{"executionName":"{{executionName}}","upload":{{UploadEvent}}}""");
        var jobName = plan["jobName"]!.GetValue<string>();
        await servers.PutTranscriptAsync(plan["transcriptKey"]!.GetValue<string>(), Fixture.Bytes("language-id.json"));
        var request = new JsonObject
        {
            ["jobName"] = jobName,
            ["mediaUri"] = plan["mediaUri"]!.GetValue<string>(),
            ["transcriptBucket"] = LocalServers.TranscriptBucket,
            ["transcriptKey"] = plan["transcriptKey"]!.GetValue<string>(),
            ["executionArn"] = "arn:aws:states:us-east-1:123456789012:execution:sm:planned",
        };
        var result = await Invoke(postProcessor.HandleAsync, request.ToJsonString());
        var item = await servers.GetItemAsync(jobName);

        Assert.Equal("ts-test-" + executionName, jobName);
        Assert.StartsWith("ts-test-Team-call-Mon-", jobName, StringComparison.Ordinal);
        Assert.Equal("Recorded", result["outcome"]!.GetValue<string>());
        Assert.NotNull(item);
        Assert.Equal("s3://raw-bucket/media/Team call (Mon).M4A", item["mediaUri"].S);
        Assert.Equal($"s3://{LocalServers.TranscriptBucket}/transcripts/{jobName}.json", item["transcriptUri"].S);
        Assert.Equal("es-US", item["languageCode"].S);
        Assert.Equal("single", item["languageIdentification"].S);
        Assert.Equal("0.8812", item["identifiedLanguageScore"].N);
    }

    [Fact]
    public async Task EmptyAudio_IsRecordedWithoutConfidenceOrSpeakers()
    {
        await servers.PutTranscriptAsync("transcripts/job-silence.json", Fixture.Bytes("empty.json"));
        var postProcessor = new PostProcessorHandler(servers.S3, servers.Dynamo, LocalServers.TableName, 1024 * 1024, 0.5);
        var request = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["jobName"] = "job-silence",
            ["mediaUri"] = "s3://raw-bucket/media/silence.wav",
            ["transcriptBucket"] = LocalServers.TranscriptBucket,
            ["transcriptKey"] = "transcripts/job-silence.json",
            ["executionArn"] = "arn:aws:states:us-east-1:123456789012:execution:sm:silence",
        });

        var result = await Invoke(postProcessor.HandleAsync, request);
        var item = await servers.GetItemAsync("job-silence");

        Assert.Equal(0, result["wordCount"]!.GetValue<int>());
        Assert.Equal("0", item!["wordCount"].N);
        Assert.DoesNotContain("averageConfidence", item.Keys);
        Assert.DoesNotContain("minConfidence", item.Keys);
        Assert.DoesNotContain("speakerCount", item.Keys);
        Assert.DoesNotContain("channelCount", item.Keys);
    }
}
