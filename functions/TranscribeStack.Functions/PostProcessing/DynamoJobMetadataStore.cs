using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using TranscribeStack.Contracts;

namespace TranscribeStack.Functions.PostProcessing;

/// <summary>
/// Writes one item per job with a conditional PutItem: COMPLETED is final, so a retry or duplicate
/// never creates a second item nor rewrites it; an earlier FAILED record of the job is superseded.
/// </summary>
public sealed class DynamoJobMetadataStore(IAmazonDynamoDB dynamo, string tableName) : IJobMetadataStore
{
    public async Task<bool> RecordCompletedAsync(CompletedJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        try
        {
            await dynamo.PutItemAsync(
                new PutItemRequest
                {
                    TableName = tableName,
                    Item = Item(job),
                    ConditionExpression = JobMetadataSchema.CompletedIsFinal,
                    ExpressionAttributeNames = JobMetadataSchema.CompletedIsFinalNames.ToDictionary(),
                    ExpressionAttributeValues = JobMetadataSchema.CompletedIsFinalValues.ToDictionary(v => v.Key, v => S(v.Value)),
                },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    internal static Dictionary<string, AttributeValue> Item(CompletedJob job)
    {
        var m = job.Metadata;
        var facts = job.Facts;
        var item = new Dictionary<string, AttributeValue>
        {
            [JobMetadataSchema.JobName] = S(job.JobName),
            [JobMetadataSchema.Status] = S(JobMetadataSchema.Completed),
            ["mediaUri"] = S(job.MediaUri),
            ["transcriptUri"] = S(job.TranscriptUri),
            ["transcriptBytes"] = N(m.TranscriptBytes),
            ["executionArn"] = S(job.ExecutionArn),
            ["durationSeconds"] = N(m.DurationSeconds),
            ["wordCount"] = N(m.WordCount),
            ["lowConfidenceWordCount"] = N(m.LowConfidenceWordCount),
            ["languageIdentification"] = S(facts.LanguageIdentification),
            ["redactedTranscript"] = new() { BOOL = facts.RedactedTranscript },
            ["piiRedacted"] = new() { BOOL = m.PiiRedacted },
            ["completedAt"] = S(Timestamp(job.CompletedAt)),
            ["recordedAt"] = S(Timestamp(job.RecordedAt)),
            [JobMetadataSchema.UpdatedAt] = S(Timestamp(job.RecordedAt)),
        };
        AddIf(item, "languageCode", facts.LanguageCode, S);
        AddIf(item, "identifiedLanguageScore", facts.IdentifiedLanguageScore, v => N(v));
        if (facts.LanguageSeconds.Count > 0)
        {
            item["languageSeconds"] = new() { M = facts.LanguageSeconds.ToDictionary(l => l.Key, l => N(l.Value)) };
        }

        if (facts.RedactedTranscript)
        {
            item["piiRedactedItemCount"] = N(m.PiiRedactedItemCount);
            item["piiRedactionsByType"] = new() { M = m.PiiRedactionsByType.ToDictionary(t => t.Key, t => N(t.Value)) };
        }

        if (m.Toxicity is { } toxicity)
        {
            var summary = new Dictionary<string, AttributeValue>
            {
                ["segmentCount"] = N(toxicity.SegmentCount),
                ["toxicSegmentCount"] = N(toxicity.ToxicSegmentCount),
                ["threshold"] = N(toxicity.Threshold),
                ["maxByCategory"] = new() { M = toxicity.MaxByCategory.ToDictionary(c => c.Key, c => N(c.Value)) },
            };
            AddIf(summary, "maxToxicity", toxicity.MaxToxicity, v => N(v));
            item["toxicity"] = new() { M = summary };
        }

        if (facts.SubtitleFileUris.Count > 0)
        {
            item["subtitleFileUris"] = new() { L = facts.SubtitleFileUris.Select(S).ToList() };
        }

        AddIf(item, "averageConfidence", m.AverageConfidence, v => N(v));
        AddIf(item, "minConfidence", m.MinConfidence, v => N(v));
        AddIf(item, "speakerCount", m.SpeakerCount, v => N(v));
        AddIf(item, "channelCount", m.ChannelCount, v => N(v));
        if (m.SpeakerTalkSeconds.Count > 0)
        {
            item["speakerTalkSeconds"] = new() { M = m.SpeakerTalkSeconds.ToDictionary(s => s.Key, s => N(s.Value)) };
        }

        return item;
    }

    private static string Timestamp(DateTimeOffset value)
        => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static AttributeValue S(string value) => new() { S = value };

    private static AttributeValue N(double value) => new() { N = value.ToString("R", CultureInfo.InvariantCulture) };

    private static void AddIf<T>(Dictionary<string, AttributeValue> item, string name, T? value, Func<T, AttributeValue> convert)
        where T : struct
    {
        if (value is { } v)
        {
            item[name] = convert(v);
        }
    }

    private static void AddIf(Dictionary<string, AttributeValue> item, string name, string? value, Func<string, AttributeValue> convert)
    {
        if (value is not null)
        {
            item[name] = convert(value);
        }
    }
}
