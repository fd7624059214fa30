using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using TranscribeStack.Functions.PostProcessing;

namespace TranscribeStack.Functions.Tests.Integration;

/// <summary>The post-processing handler end to end, with real SDK clients against local servers.</summary>
[Collection(LocalServersCollection.Name)]
public sealed class PostProcessorHandlerTests(LocalServers servers)
{
    private const long Limit = 64 * 1024;

    private PostProcessorHandler Handler(long limit = Limit) => new(servers.S3, servers.Dynamo, LocalServers.TableName, limit, 0.5);

    private static Stream Request(string jobName, string? key = null, string? completedAt = "2026-11-22T10:00:00.000Z") =>
        new MemoryStream(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new Dictionary<string, string?>
        {
            ["jobName"] = jobName,
            ["mediaUri"] = $"s3://raw-bucket/media/{jobName}.mp3",
            ["transcriptBucket"] = LocalServers.TranscriptBucket,
            ["transcriptKey"] = key ?? $"transcripts/{jobName}.json",
            ["executionArn"] = $"arn:aws:states:us-east-1:123456789012:execution:sm:{jobName}",
            ["jobCompletedAt"] = completedAt,
        })));

    private static async Task<JsonElement> Output(Stream output)
    {
        using var document = await JsonDocument.ParseAsync(output);
        return document.RootElement.Clone();
    }

    private async Task<string> Upload(string jobName, byte[] content)
    {
        await servers.PutTranscriptAsync($"transcripts/{jobName}.json", content);
        return jobName;
    }

    [Fact]
    public async Task Completed_RecordsOneItemWithTheFigures()
    {
        var job = await Upload("job-happy", Fixture.Bytes("speakers.json"));

        var result = await Output(await Handler().HandleAsync(Request(job)));
        var item = await servers.GetItemAsync(job);

        Assert.Equal("Recorded", result.GetProperty("outcome").GetString());
        Assert.NotNull(item);
        Assert.Equal("COMPLETED", item["status"].S);
        Assert.Equal("4", item["wordCount"].N);
        Assert.Equal("2", item["speakerCount"].N);
        Assert.Equal("2.5", item["speakerTalkSeconds"].M["spk_1"].N);
        Assert.Equal("5.25", item["durationSeconds"].N);
        Assert.Equal("en-GB", item["languageCode"].S);
        Assert.Equal($"s3://{LocalServers.TranscriptBucket}/transcripts/{job}.json", item["transcriptUri"].S);
        Assert.Equal(Fixture.Bytes("speakers.json").Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
            item["transcriptBytes"].N);
        Assert.Equal("2026-11-22T10:00:00.000Z", item["completedAt"].S);
        Assert.Equal("s3://raw-bucket/media/job-happy.mp3", item["mediaUri"].S);
        Assert.EndsWith(":job-happy", item["executionArn"].S, StringComparison.Ordinal);
        Assert.False(item.ContainsKey("identifiedLanguage"));
    }

    [Fact]
    public async Task FixedLanguageJob_RecordsTheLanguageOfTheJobDescription()
    {
        // The state machine passes GetTranscriptionJob's TranscriptionJob as it polled it (API member names).
        var job = await Upload("job-fixed-language", Fixture.Bytes("fixed-language.json"));
        var request = $$$"""
            {"jobName": "{{{job}}}", "mediaUri": "s3://raw-bucket/media/{{{job}}}.mp3",
             "transcriptBucket": "{{{LocalServers.TranscriptBucket}}}",
             "transcriptKey": "transcripts/{{{job}}}.json", "executionArn": "arn:aws:states:us-east-1:123456789012:execution:sm:{{{job}}}",
             "jobCompletedAt": "2026-11-22T10:00:00.000Z",
             "transcriptionJob": {"TranscriptionJobName": "{{{job}}}", "TranscriptionJobStatus": "COMPLETED", "LanguageCode": "en-US",
               "MediaFormat": "mp3", "Settings": {"ShowSpeakerLabels": false},
               "Subtitles": {"Formats": ["vtt"], "SubtitleFileUris": ["https://s3.us-east-1.amazonaws.com/t/transcripts/{{{job}}}.vtt"],
                 "OutputStartIndex": 1},
               "Tags": [{"Key": "Application", "Value": "TranscribeStack"}]}}
            """;

        await Handler().HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(request)));
        var item = await servers.GetItemAsync(job);

        Assert.NotNull(item);
        Assert.Equal("en-US", item["languageCode"].S);
        Assert.Equal("none", item["languageIdentification"].S);
        Assert.Equal($"https://s3.us-east-1.amazonaws.com/t/transcripts/{job}.vtt", Assert.Single(item["subtitleFileUris"].L).S);
    }

    [Fact]
    public async Task BadJobDescription_IsAnInvalidRequest()
    {
        var job = await Upload("job-bad-description", Fixture.Bytes("fixed-language.json"));
        var request = $$$"""{"jobName": "{{{job}}}", "mediaUri": "s3://r/m.mp3", "transcriptBucket": "t", "transcriptKey": "k",""" +
            """ "executionArn": "a", "transcriptionJob": {"LanguageCodes": "en-US"}}""";

        await Assert.ThrowsAsync<InvalidJobRequestException>(() => Handler()
            .HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(request))));
    }

    [Fact]
    public async Task Completed_IsListedInTheByStatusIndex()
    {
        var job = await Upload("job-indexed", Fixture.Bytes("plain.json"));

        await Handler().HandleAsync(Request(job));
        var listed = await servers.Dynamo.QueryAsync(new QueryRequest
        {
            TableName = LocalServers.TableName,
            IndexName = "byStatus",
            KeyConditionExpression = "#status = :completed",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#status"] = "status" },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":completed"] = new() { S = "COMPLETED" } },
        });

        Assert.Contains(listed.Items, i => i["jobName"].S == job);
    }

    [Fact]
    public async Task Rerun_IsAlreadyRecordedAndLeavesTheItemAlone()
    {
        var job = await Upload("job-twice", Fixture.Bytes("plain.json"));
        await Handler().HandleAsync(Request(job));
        var first = await servers.GetItemAsync(job);

        var result = await Output(await Handler().HandleAsync(Request(job, completedAt: "2026-11-23T00:00:00.000Z")));
        var second = await servers.GetItemAsync(job);

        Assert.Equal("AlreadyRecorded", result.GetProperty("outcome").GetString());
        Assert.Equal(first!["recordedAt"].S, second!["recordedAt"].S);
        Assert.Equal("2026-11-22T10:00:00.000Z", second["completedAt"].S);
    }

    [Fact]
    public async Task EarlierFailure_IsSupersededByCompleted()
    {
        var job = await Upload("job-after-failure", Fixture.Bytes("plain.json"));
        await servers.Dynamo.PutItemAsync(new PutItemRequest
        {
            TableName = LocalServers.TableName,
            Item = new Dictionary<string, AttributeValue>
            {
                ["jobName"] = new() { S = job },
                ["status"] = new() { S = "FAILED" },
                ["error"] = new() { S = "Lambda.ServiceException" },
                ["updatedAt"] = new() { S = "2026-11-22T09:00:00.000Z" },
            },
        });

        await Handler().HandleAsync(Request(job));
        var item = await servers.GetItemAsync(job);

        Assert.Equal("COMPLETED", item!["status"].S);
        Assert.False(item.ContainsKey("error"));
    }

    public static TheoryData<string, byte[], Type> BadTranscripts => new()
    {
        { "job-malformed", Encoding.UTF8.GetBytes("{\"results\": {\"items\": [ oops"), typeof(MalformedTranscriptException) },
        { "job-truncated", Fixture.Bytes("speakers.json")[..300], typeof(MalformedTranscriptException) },
        { "job-shape", Encoding.UTF8.GetBytes("{\"jobName\": \"x\", \"status\": \"COMPLETED\"}"),
            typeof(UnexpectedTranscriptShapeException) },
        { "job-confidence",
            Encoding.UTF8.GetBytes("{\"results\": {\"items\": [{\"type\": \"pronunciation\", \"alternatives\": [{\"confidence\": " +
            "\"high\", \"content\": \"a\"}]}]}}"), typeof(UnexpectedTranscriptShapeException) },
        { "job-empty-object", [], typeof(MalformedTranscriptException) },
        { "job-too-large",
            Encoding.UTF8.GetBytes("{\"results\": {\"transcripts\": [{\"transcript\": \"" + new string('a', (int)Limit) + "\"}]}}"),
            typeof(TranscriptTooLargeException) },
    };

    [Theory]
    [MemberData(nameof(BadTranscripts))]
    public async Task BadTranscript_FailsWithItsTypeAndWritesNothing(string jobName, byte[] content, Type error)
    {
        await Upload(jobName, content);

        var thrown = await Assert.ThrowsAnyAsync<Exception>(() => Handler().HandleAsync(Request(jobName)));

        Assert.IsType(error, thrown);
        Assert.Null(await servers.GetItemAsync(jobName));
    }

    [Fact]
    public async Task MissingTranscript_IsNotFoundAndWritesNothing()
    {
        var error = await Assert.ThrowsAsync<TranscriptNotFoundException>(() => Handler().HandleAsync(Request("job-missing")));

        Assert.Contains("transcripts/job-missing.json", error.Message, StringComparison.Ordinal);
        Assert.Null(await servers.GetItemAsync("job-missing"));
    }

    [Theory]
    [InlineData("{\"jobName\": \"job-no-key\", \"mediaUri\": \"s3://b/m.mp3\", \"transcriptBucket\": \"b\", \"executionArn\": \"arn\"}",
        "transcriptKey")]
    [InlineData("{\"jobName\": 42}", "not a valid")]
    [InlineData("[]", "not a valid")]
    public async Task BadRequest_IsInvalidAndWritesNothing(string json, string expected)
    {
        var before = await servers.CountItemsAsync();

        var error = await Assert.ThrowsAsync<InvalidJobRequestException>(() => Handler()
            .HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(json))));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await servers.CountItemsAsync());
    }
}
