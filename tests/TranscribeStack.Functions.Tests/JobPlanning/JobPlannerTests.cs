using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using TranscribeStack.Contracts;
using TranscribeStack.Functions.JobPlanning;

namespace TranscribeStack.Functions.Tests.JobPlanning;

public sealed class JobPlannerTests
{
    private static readonly JobPlanner Planner = new("transcribestack-dev-", "media/", "transcripts/", Fixture.Pacing);
    private static readonly Regex ValidName = new("^[0-9a-zA-Z._-]{1,200}$", RegexOptions.None, TimeSpan.FromSeconds(1));

    /// <summary>An execution name for tests where the name does not matter.</summary>
    private const string AnyName = "a-0123456789abcdef";

    private static Upload Upload(string key, string? version = "v1", string? rerun = null) =>
        new("raw-bucket", key, version, "etag", 1_000_000, rerun);

    /// <summary>The plan of an upload's execution, named as the admitter names it.</summary>
    private static JobPlan Plan(Upload upload) => Planner.Plan(upload, ExecutionNames.Of(upload));

    /// <summary>Why the upload's execution skips it, named as the admitter names it.</summary>
    private static SkippedUpload? Skip(Upload upload) => Planner.Skip(upload, ExecutionNames.Of(upload));

    [Theory]
    [InlineData("media/a.amr", "amr")]
    [InlineData("media/a.FLAC", "flac")]
    [InlineData("media/a.M4a", "m4a")]
    [InlineData("media/a.mp3", "mp3")]
    [InlineData("media/a.Mp4", "mp4")]
    [InlineData("media/a.OGG", "ogg")]
    [InlineData("media/a.webm", "webm")]
    [InlineData("media/a.WAV", "wav")]
    public void MediaFormat_IsTheExtensionInAnyCase(string key, string format)
    {
        Assert.Equal(format, Plan(Upload(key)).MediaFormat);
    }

    [Theory]
    [InlineData("media/notes.txt", "'txt'")]
    [InlineData("media/noextension", "''")]
    [InlineData("media/.mp3", "''")]
    [InlineData("media/a.mp3.zip", "'zip'")]
    public void UnsupportedExtension_NamesKeyAndAcceptedFormats(string key, string extension)
    {
        var error = Assert.Throws<UnsupportedMediaFormatException>(() => Plan(Upload(key)));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.Contains(extension, error.Message, StringComparison.Ordinal);
        Assert.Contains("amr, flac, m4a, mp3, mp4, ogg, webm, wav", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JobName_IsThePrefixAndTheExecutionName()
    {
        var plan = Planner.Plan(Upload("media/Interview 1.mp3"), "Interview-1-0123456789abcdef");

        Assert.Equal("transcribestack-dev-Interview-1-0123456789abcdef", plan.JobName);
        Assert.Equal("transcripts/transcribestack-dev-Interview-1-0123456789abcdef.json", plan.TranscriptKey);
    }

    [Fact]
    public void JobName_OfTheNamedExecution_CarriesItsReRunMarker()
    {
        // The admitter names the execution (ExecutionNames), the planner names the job after it: a re-run's marker
        // ends both.
        var rerun = Upload("media/a.mp3", rerun: "vocab-2026-11");

        var plan = Plan(rerun);

        Assert.Equal("transcribestack-dev-" + ExecutionNames.Of(rerun), plan.JobName);
        Assert.EndsWith("-rvocab-2026-11", plan.JobName, StringComparison.Ordinal);
        Assert.NotEqual(Plan(Upload("media/a.mp3")).JobName, plan.JobName);
    }

    [Fact]
    public void JobName_OfTheLongestPrefixAndExecutionName_FitsTranscribesLimit()
    {
        var planner = new JobPlanner(new string('p', JobNames.MaxPrefixLength), "media/", "transcripts/", Fixture.Pacing);
        var longest = Upload("media/" + new string('x', 1010) + ".mp3", rerun: new string('m', RerunMarker.MaxLength));
        var executionName = ExecutionNames.Of(longest);

        var plan = planner.Plan(Upload("media/a.mp3"), executionName);

        Assert.Equal(JobNames.MaxPrefixLength + ExecutionNames.MaxLength, plan.JobName.Length);
        Assert.True(plan.JobName.Length <= JobNames.MaxJobNameLength);
        Assert.Matches(ValidName, plan.JobName);
    }

    [Theory]
    [InlineData("", "''")]
    [InlineData("a.b-0123456789abcdef", "'a.b-0123456789abcdef'")]
    [InlineData("a b", "'a b'")]
    [InlineData("a/b", "'a/b'")]
    [InlineData("Größe", "'Größe'")]
    [InlineData("123456789012345678901234567890123456789012345678901234567890123456789012345678901", "1 to 80")]
    public void BadExecutionName_IsAnInvalidRequestNamingIt(string executionName, string expected)
    {
        var error = Assert.Throws<InvalidJobRequestException>(() => Planner.Plan(Upload("media/a.mp3"), executionName));

        Assert.Contains("execution name", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("[0-9A-Za-z_-]", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidJobRequestException>(() => Planner.Skip(Upload("media/notes.txt"), executionName));
    }

    [Fact]
    public void Rerun_WritesItsOwnTranscript()
    {
        var original = Plan(Upload("media/a.mp3"));
        var rerun = Plan(Upload("media/a.mp3", rerun: "2"));

        Assert.Equal(original.JobName + "-r2", rerun.JobName);
        Assert.Equal($"transcripts/{rerun.JobName}.json", rerun.TranscriptKey);
    }

    [Theory]
    [InlineData("")]
    [InlineData("vocab 2026")]
    [InlineData("vocab.2026")]
    [InlineData("a/b")]
    [InlineData("123456789012345678901234567890123")]
    public void Rerun_InvalidMarker_IsAnInvalidRequest(string marker)
    {
        var error = Assert.Throws<InvalidJobRequestException>(() => Planner.Plan(Upload("media/a.mp3", rerun: marker), AnyName));

        Assert.Contains("rerun", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("media/my talk (final).mp3")]
    [InlineData("media/Größe über alles.wav")]
    [InlineData("media/会议记录.m4a")]
    [InlineData("media/a%20b+c.mp3")]
    public void OddKeys_KeepTheirMediaUri(string key)
    {
        var plan = Plan(Upload(key));

        Assert.Matches(ValidName, plan.JobName);
        Assert.Equal($"s3://raw-bucket/{key}", plan.MediaUri);
    }

    [Theory]
    [InlineData("", "media/a.mp3", "bucket")]
    [InlineData("b", "", "key")]
    public void IncompleteUpload_NamesTheMissingPart(string bucket, string key, string expected)
    {
        var upload = new Upload(bucket, key, "v", "e", 1);

        Assert.Contains(
            expected, Assert.Throws<InvalidJobRequestException>(() => Planner.Skip(upload, AnyName)).Message, StringComparison.Ordinal);
        Assert.Contains(
            expected, Assert.Throws<InvalidJobRequestException>(() => Planner.Plan(upload, AnyName)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("media/folder/", SkipReasons.FolderMarker, "folder marker")]
    [InlineData("media/", SkipReasons.FolderMarker, "folder marker")]
    [InlineData("media/notes.txt", SkipReasons.UnsupportedMediaFormat, "'txt'; Transcribe accepts")]
    [InlineData("media/noextension", SkipReasons.UnsupportedMediaFormat, "''; Transcribe accepts")]
    [InlineData("other/talk.mp3", SkipReasons.OutsideMediaPrefix, "not under the media prefix 'media/'")]
    [InlineData("Media/talk.mp3", SkipReasons.OutsideMediaPrefix, "not under the media prefix 'media/'")]
    [InlineData("talk.mp3", SkipReasons.OutsideMediaPrefix, "not under the media prefix 'media/'")]
    public void Skip_NamesTheReasonAndTheObject(string key, string reason, string detail)
    {
        var skipped = Skip(Upload(key));

        Assert.NotNull(skipped);
        Assert.Equal(reason, skipped.Skipped.Reason);
        Assert.Contains(detail, skipped.Skipped.Detail, StringComparison.Ordinal);
        Assert.Contains($"'{key}'", skipped.Skipped.Detail, StringComparison.Ordinal);
        Assert.Equal($"s3://raw-bucket/{key}", skipped.MediaUri);
        Assert.Matches(ValidName, skipped.JobName);
        Assert.StartsWith("transcribestack-dev-", skipped.JobName, StringComparison.Ordinal);
    }

    [Fact]
    public void Skip_SameObjectSameName_SoADuplicateEventRecordsOneItem()
    {
        Assert.Equal(Skip(Upload("media/notes.txt"))!.JobName, Skip(Upload("media/notes.txt"))!.JobName);
        Assert.NotEqual(Skip(Upload("media/notes.txt"))!.JobName, Skip(Upload("media/notes.txt", "v2"))!.JobName);
    }

    [Theory]
    [InlineData("media/a.mp3")]
    [InlineData("media/2026/11/Interview.WAV")]
    [InlineData("media/a b/c.M4a")]
    public void Skip_MediaUnderThePrefix_IsNotSkipped(string key)
    {
        Assert.Null(Skip(Upload(key)));
    }

    [Fact]
    public void Plan_OfASkippedUpload_Throws()
    {
        Assert.Throws<InvalidJobRequestException>(() => Plan(Upload("media/folder/")));
        Assert.Throws<InvalidJobRequestException>(() => Plan(Upload("other/a.mp3")));
        Assert.Throws<UnsupportedMediaFormatException>(() => Plan(Upload("media/a.txt")));
    }

    [Fact]
    public void RedactedOutput_PointsAtTheRedactedTranscript()
    {
        var planner = new JobPlanner("transcribestack-prod-", "media/", "transcripts/", Fixture.Pacing, "redacted-");

        var plan = planner.Plan(Upload("media/a.mp3"), AnyName);

        Assert.Equal($"transcripts/redacted-{plan.JobName}.json", plan.TranscriptKey);
    }

    [Fact]
    public void ExpectedAudio_ScalesWithSize()
    {
        var mp3 = Plan(new Upload("b", "media/a.mp3", "v", "e", 16_000_000));

        Assert.Equal(1000, mp3.ExpectedAudioSeconds);
        Assert.Equal(1, Plan(new Upload("b", "media/a.mp3", "v", "e", 0)).ExpectedAudioSeconds);
    }

    [Fact]
    public void Polling_IsTheBackstopPlan_WithTheExpectedJobLengthRecorded()
    {
        // 16 MB of mp3 is about 1,000 s of audio; at half real time the job is expected to take 500 s.
        // The first backstop poll comes after the longest interval whatever that length.
        var plan = Plan(new Upload("b", "media/a.mp3", "v", "e", 16_000_000));

        Assert.Equal(500, plan.ExpectedJobSeconds);
        Assert.Equal(240, plan.Polling.WaitSeconds);
        // Later waits are jittered per job (PollPacingTests holds the bounds): the same upload, the same plan.
        Assert.NotEqual(Fixture.Pacing.Plan().LaterWaitSeconds, plan.Polling.LaterWaitSeconds);
        Assert.Equal(Fixture.Pacing.GivesUpAfterSeconds, plan.Polling.WaitSeconds + plan.Polling.LaterWaitSeconds.Sum(w => (long)w));
        Assert.Equal(plan.Polling.LaterWaitSeconds, Plan(new Upload("b", "media/a.mp3", "v", "e", 16_000_000)).Polling.LaterWaitSeconds);
    }

    [Fact]
    public async Task Handler_ReadsTheEventBridgeEvent()
    {
        const string Event = """
            {"executionName":"Call-42-0123456789abcdef",
             "upload":{"version":"0","detail-type":"Object Created","source":"aws.s3",
              "detail":{"version":"0","bucket":{"name":"raw-bucket"},
              "object":{"key":"media/Call 42.WAV","size":2560000,"etag":"abc","version-id":"v9","sequencer":"00"},"reason":"PutObject"}}}
            """;
        var handler = new JobPlannerHandler(Planner);

        using var output = await handler.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(Event)));
        using var json = await JsonDocument.ParseAsync(output);

        Assert.Equal("wav", json.RootElement.GetProperty("mediaFormat").GetString());
        Assert.Equal("s3://raw-bucket/media/Call 42.WAV", json.RootElement.GetProperty("mediaUri").GetString());
        Assert.Equal("v9", json.RootElement.GetProperty("versionId").GetString());
        Assert.Equal(80, json.RootElement.GetProperty("expectedAudioSeconds").GetInt32());
        Assert.Equal(40, json.RootElement.GetProperty("expectedJobSeconds").GetInt32());
        var polling = json.RootElement.GetProperty("polling");
        // A 40 s job: the backstop's first poll comes after the longest interval (3 h).
        Assert.Equal(240, polling.GetProperty("waitSeconds").GetInt32());
        Assert.Equal(0, polling.GetProperty("laterPollsMade").GetInt32());
        Assert.Equal(polling.GetProperty("laterWaitSeconds").GetArrayLength(), polling.GetProperty("laterPolls").GetInt32());
        Assert.Equal(36_000, polling.GetProperty("givesUpAfterSeconds").GetInt64());
        Assert.Equal("transcribestack-dev-Call-42-0123456789abcdef", json.RootElement.GetProperty("jobName").GetString());
    }

    [Fact]
    public async Task Handler_UnsupportedObject_AnswersSkippedInsteadOfFailing()
    {
        const string Event = """
            {"executionName":"readme-0123456789abcdef",
             "upload":{"detail":{"bucket":{"name":"raw-bucket"},
              "object":{"key":"media/readme.txt","size":12,"etag":"abc","version-id":"v1"}}}}
            """;
        var handler = new JobPlannerHandler(Planner);

        using var output = await handler.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(Event)));
        using var json = await JsonDocument.ParseAsync(output);

        Assert.Equal(SkipReasons.UnsupportedMediaFormat, json.RootElement.GetProperty("skipped").GetProperty("reason").GetString());
        Assert.Equal("s3://raw-bucket/media/readme.txt", json.RootElement.GetProperty("mediaUri").GetString());
        Assert.Equal("transcribestack-dev-readme-0123456789abcdef", json.RootElement.GetProperty("jobName").GetString());
        Assert.False(json.RootElement.TryGetProperty("polling", out _));
    }

    [Theory]
    [InlineData("{}", "no upload")]
    [InlineData("not json", "not a valid")]
    [InlineData("""{"executionName":"a-1","upload":{}}""", "no detail")]
    [InlineData("""{"executionName":"a-1","upload":{"detail":{"bucket":{"name":"b"}}}}""", "detail.object.key")]
    [InlineData("""{"upload":{"detail":{"bucket":{"name":"b"},"object":{"key":"media/a.mp3"}}}}""", "no executionName")]
    [InlineData("""{"executionName":"a.1","upload":{"detail":{"bucket":{"name":"b"},"object":{"key":"media/a.mp3"}}}}""", "'a.1'")]
    // The event alone (the request before jobs were named after their execution): the planner says what it wants.
    [InlineData("""{"detail":{"bucket":{"name":"b"},"object":{"key":"media/a.mp3"}}}""", "no upload")]
    public async Task Handler_BadEvent_IsInvalidRequest(string json, string expected)
    {
        var handler = new JobPlannerHandler(Planner);

        var error = await Assert.ThrowsAsync<InvalidJobRequestException>(() =>
            handler.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(json))));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
