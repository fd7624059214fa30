using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TranscribeStack.Functions.JobPlanning;

namespace TranscribeStack.Functions.Tests.JobPlanning;

/// <summary>The execution name of an upload: readable, within Step Functions' rules, one per object version and marker.</summary>
public sealed class ExecutionNamesTests
{
    // StartExecution's name: at most 80 characters, none of whitespace, < > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : /,
    // control characters (U+0000-001F, U+007F-009F); only 0-9, A-Z, a-z, - and _ for CloudWatch Logs.
    private static readonly Regex StepFunctionsForbids = new(@"[\s<>{}\[\]?*""#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]", RegexOptions.None,
        TimeSpan.FromSeconds(1));
    private static readonly Regex LoggableName = new("^[0-9A-Za-z_-]{1,80}$", RegexOptions.None, TimeSpan.FromSeconds(1));

    private static Upload Upload(string key, string? version = "v1", string? rerun = null, string bucket = "raw-bucket") =>
        new(bucket, key, version, "etag", 1_000, rerun);

    [Fact]
    public void Name_IsTheFileNameAndTheHash()
    {
        Assert.Matches("^Interview-1-[0-9a-f]{16}$", ExecutionNames.Of(Upload("media/2026/Interview 1.mp3")));
    }

    [Fact]
    public void SameObjectVersion_GetsTheSameName()
    {
        Assert.Equal(ExecutionNames.Of(Upload("media/a.mp3")), ExecutionNames.Of(Upload("media/a.mp3")));
    }

    [Fact]
    public void OtherVersionKeyOrBucket_GetsAnotherName()
    {
        var name = ExecutionNames.Of(Upload("media/a.mp3"));

        Assert.NotEqual(name, ExecutionNames.Of(Upload("media/a.mp3", version: "v2")));
        Assert.NotEqual(name, ExecutionNames.Of(Upload("media/b/a.mp3")));
        Assert.NotEqual(name, ExecutionNames.Of(Upload("media/a.mp3", bucket: "other-bucket")));
    }

    [Fact]
    public void UnversionedObject_IsNamedByItsETag()
    {
        var first = ExecutionNames.Of(new Upload("b", "media/a.mp3", null, "etag-1", 1));

        Assert.NotEqual(first, ExecutionNames.Of(new Upload("b", "media/a.mp3", null, "etag-2", 1)));
    }

    [Fact]
    public void Marker_EndsTheNameAndSetsReRunsApart()
    {
        var original = ExecutionNames.Of(Upload("media/a.mp3"));

        Assert.Equal(original + "-rvocab-2026-11", ExecutionNames.Of(Upload("media/a.mp3", rerun: "vocab-2026-11")));
        Assert.Equal(original + "-r2", ExecutionNames.Of(Upload("media/a.mp3", rerun: "2")));
    }

    [Fact]
    public void QuotedETag_GetsTheSameNameAsTheEventsUnquotedOne()
    {
        // ListObjectsV2 (re-processing) quotes the ETag; the S3 event does not.
        Assert.Equal(ExecutionNames.Of(new Upload("b", "media/a.mp3", null, "abc", 1)),
            ExecutionNames.Of(new Upload("b", "media/a.mp3", null, "\"abc\"", 1)));
    }

    [Theory]
    [InlineData("media/my talk (final).mp3", "my-talk-final")]
    [InlineData("media/a.b.c.mp3", "a-b-c")]
    [InlineData("media/x<y>{z}[w]?*.wav", "x-y-z-w")]
    [InlineData("media/\"#%\\^|~`$&,;:.mp3", "media")]
    [InlineData("media/tab\there\u0001\u007f\u0085.mp3", "tab-here")]
    [InlineData("media/Größe über alles.wav", "Gr-e-ber-alles")]
    [InlineData("media/会议记录.m4a", "media")]
    [InlineData("media/--__..mp3", "__")]
    [InlineData("media/folder/", "media")]
    public void ForbiddenCharacters_BecomeDashes(string key, string readable)
    {
        var name = ExecutionNames.Of(Upload(key));

        Assert.DoesNotMatch(StepFunctionsForbids, name);
        Assert.Matches(LoggableName, name);
        Assert.StartsWith($"{readable}-", name, StringComparison.Ordinal);
    }

    [Fact]
    public void VeryLongKeyWithLongestMarker_IsCutTo80()
    {
        var marker = new string('m', RerunMarker.MaxLength);

        var name = ExecutionNames.Of(Upload("media/" + new string('x', 1010) + ".mp3", rerun: marker));

        Assert.Equal(ExecutionNames.MaxLength, name.Length);
        Assert.Matches(LoggableName, name);
        Assert.EndsWith("-r" + marker, name, StringComparison.Ordinal);
        Assert.StartsWith(new string('x', 80 - 17 - 2 - RerunMarker.MaxLength), name, StringComparison.Ordinal);
    }

    [Fact]
    public void LongKeyCutAtADash_LeavesNoDoubleDash()
    {
        var name = ExecutionNames.Of(Upload("media/" + new string('x', 62) + " tail.mp3"));

        Assert.True(name.Length <= ExecutionNames.MaxLength);
        Assert.DoesNotContain("--", name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Handler_AnswersTheNameOfTheWrappedEvent()
    {
        var handler = new JobPlannerHandler(new JobPlanner("ts-dev-", "media/", "transcripts/", Fixture.Pacing));
        const string Request = """{"executionNameOf":{"detail":{"bucket":{"name":"b"},"object":""" +
            """{"key":"media/notes.txt","size":1,"version-id":"v1"}},"rerun":"vocab-2026-11"}}""";

        using var output = await handler.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(Request)));
        var answer = JsonNode.Parse(output)!.AsObject();

        // Named even when the planner would skip the object: its execution records the SKIPPED item.
        Assert.Matches("^notes-[0-9a-f]{16}-rvocab-2026-11$", answer["executionName"]!.GetValue<string>());
        Assert.Single(answer);
    }

    [Theory]
    [InlineData("""{"executionNameOf":{"detail":{"bucket":{"name":"b"},"object":{"size":1}}}}""")]
    [InlineData("""{"executionNameOf":{"detail":{"bucket":{"name":"b"},"object":{"key":"media/a.mp3"}},"rerun":0}}""")]
    [InlineData("""{"executionNameOf":{"detail":{"bucket":{"name":"b"},"object":{"key":"media/a.mp3"}},"rerun":"a b"}}""")]
    public async Task Handler_MalformedEvent_IsAnInvalidRequest(string request)
    {
        var handler = new JobPlannerHandler(new JobPlanner("ts-dev-", "media/", "transcripts/", Fixture.Pacing));

        await Assert.ThrowsAsync<InvalidJobRequestException>(() => handler.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(request))));
    }
}
