namespace TranscribeStack.Cdk.Workflow;

/// <summary>
/// The StartTranscriptionJob request the workflow sends for every planned job: the planner's name,
/// media and format, the environment's Transcribe settings, the stack's output location and key, and
/// the job tags the caller role is limited to.
/// </summary>
internal sealed class TranscriptionJobRequest(
    string environmentName,
    TranscribeSettings transcribe,
    TranscriptStorage transcripts,
    IKey key,
    IRole? dataAccessRole)
{
    /// <summary>The tags every job is started with; the role may start and tag jobs only with exactly these.</summary>
    public Dictionary<string, string> Tags { get; } = new()
    {
        ["Application"] = TranscriptionPipelineStack.ApplicationName,
        ["Environment"] = environmentName,
    };

    /// <summary>The task's Parameters.</summary>
    public Dictionary<string, object> Parameters()
    {
        var parameters = new Dictionary<string, object>
        {
            ["TranscriptionJobName"] = JsonPath.StringAt(PlanPaths.JobName),
            ["Media"] = new Dictionary<string, object> { ["MediaFileUri"] = JsonPath.StringAt(PlanPaths.MediaUri) },
            ["MediaFormat"] = JsonPath.StringAt(PlanPaths.MediaFormat),
            ["OutputBucketName"] = transcripts.Bucket.BucketName,
            ["OutputKey"] = transcripts.TranscriptPrefix,
            ["OutputEncryptionKMSKeyId"] = key.KeyArn,
            ["Tags"] = Tags.Select(tag => (object)new Dictionary<string, object> { ["Key"] = tag.Key, ["Value"] = tag.Value }).ToArray(),
        };

        // Exactly one way to the language (TranscribeSettings refuses the rest).
        if (transcribe.IdentifyLanguage)
        {
            parameters["IdentifyLanguage"] = true;
        }
        else if (transcribe.IdentifyMultipleLanguages)
        {
            parameters["IdentifyMultipleLanguages"] = true;
        }
        else
        {
            parameters["LanguageCode"] = transcribe.LanguageCode!;
        }

        if (transcribe.LanguageOptions.Count > 0)
        {
            parameters["LanguageOptions"] = transcribe.LanguageOptions.ToArray();
        }

        if (transcribe.LanguageIdSettings.Count > 0)
        {
            parameters["LanguageIdSettings"] = transcribe.LanguageIdSettings.ToDictionary(
                language => language.Key,
                language => (object)WithoutNulls(new Dictionary<string, object?>
                {
                    ["VocabularyName"] = language.Value.VocabularyName,
                    ["VocabularyFilterName"] = language.Value.VocabularyFilterName,
                    ["LanguageModelName"] = language.Value.LanguageModelName,
                }));
        }

        var settings = new Dictionary<string, object>();
        if (transcribe.ShowSpeakerLabels)
        {
            settings["ShowSpeakerLabels"] = true;
            settings["MaxSpeakerLabels"] = transcribe.MaxSpeakerLabels;
        }

        if (transcribe.ChannelIdentification)
        {
            settings["ChannelIdentification"] = true;
        }

        if (transcribe.VocabularyName is { } vocabulary)
        {
            settings["VocabularyName"] = vocabulary;
        }

        if (transcribe.VocabularyFilterName is { } filter)
        {
            settings["VocabularyFilterName"] = filter;
        }

        // Every filter of the job, its own or a language's, is applied with the one method in Settings.
        if (transcribe.VocabularyFilterNames.Any())
        {
            settings["VocabularyFilterMethod"] = transcribe.VocabularyFilterMethod;
        }

        if (settings.Count > 0)
        {
            parameters["Settings"] = settings;
        }

        if (transcribe.LanguageModelName is { } model)
        {
            parameters["ModelSettings"] = new Dictionary<string, object> { ["LanguageModelName"] = model };
        }

        if (transcribe.PiiRedaction)
        {
            var redaction = new Dictionary<string, object>
            {
                ["RedactionType"] = "PII",
                ["RedactionOutput"] = transcribe.PiiRedactionOutput,
            };
            if (transcribe.PiiEntityTypes.Count > 0)
            {
                redaction["PiiEntityTypes"] = transcribe.PiiEntityTypes.ToArray();
            }

            parameters["ContentRedaction"] = redaction;
        }

        if (transcribe.ToxicityDetection)
        {
            // ALL is the only category Transcribe accepts.
            parameters["ToxicityDetection"] = new object[] { new Dictionary<string, object> { ["ToxicityCategories"] = new[] { "ALL" } } };
        }

        if (transcribe.KmsEncryptionContext.Count > 0)
        {
            parameters["KMSEncryptionContext"] = transcribe.KmsEncryptionContext.ToDictionary(pair => pair.Key, pair => (object)pair.Value);
        }

        if (dataAccessRole is not null)
        {
            // Above the concurrent-job quota Transcribe queues the job instead of refusing it.
            parameters["JobExecutionSettings"] = new Dictionary<string, object>
            {
                ["AllowDeferredExecution"] = true,
                ["DataAccessRoleArn"] = dataAccessRole.RoleArn,
            };
        }

        if (transcribe.SubtitleFormats.Count > 0)
        {
            var subtitles = new Dictionary<string, object> { ["Formats"] = transcribe.SubtitleFormats.ToArray() };
            if (transcribe.SubtitleOutputStartIndex is { } startIndex)
            {
                subtitles["OutputStartIndex"] = startIndex;
            }

            parameters["Subtitles"] = subtitles;
        }

        return parameters;
    }

    private static Dictionary<string, object> WithoutNulls(Dictionary<string, object?> values) =>
        values.Where(v => v.Value is not null).ToDictionary(v => v.Key, v => v.Value!);

    /// <summary>aws:RequestTag and aws:TagKeys conditions that allow exactly <see cref="Tags"/>.</summary>
    public (Dictionary<string, object> RequestTags, Dictionary<string, object> TagKeys) TagConditions() => (
        Tags.ToDictionary(tag => $"aws:RequestTag/{tag.Key}", tag => (object)tag.Value),
        new Dictionary<string, object> { ["aws:TagKeys"] = Tags.Keys.ToArray() });
}
