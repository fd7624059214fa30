using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace TranscribeStack.Functions.PostProcessing;

// Longer than the ~400 lines a file here usually has, on purpose: it is one streaming parser, one
// Utf8JsonReader over a refilled buffer whose state (a ref struct) must stay in one method family;
// split across classes, every helper would copy or re-pass the reader. Its parts are the scopes of
// Transcribe's output format, in document order.

/// <summary>
/// Reads a transcript in Amazon Transcribe's batch output format from a stream, in one pass over a
/// small pooled buffer, and computes <see cref="TranscriptMetadata"/>. Nothing proportional to the
/// transcript is kept: per-word values are folded into running totals as they are read, and
/// labels (speakers, channels, languages, PII types, toxicity categories) are matched as bytes
/// against the few seen so far, of which there may be at most <see cref="MaxDistinctLabels"/> of a kind.
/// Bad input fails with one of the documented errors: <see cref="MalformedTranscriptException"/> (not
/// JSON, not UTF-8, truncated), <see cref="UnexpectedTranscriptShapeException"/> (JSON, but not
/// Transcribe's shape) or <see cref="TranscriptTooLargeException"/>.
/// </summary>
public sealed class TranscriptAnalyzer(double lowConfidenceThreshold, long maxBytes, double toxicityThreshold = 0.5)
{
    /// <summary>More distinct labels of one kind than any real transcript has: the shape is not Transcribe's.</summary>
    public const int MaxDistinctLabels = 256;

    private const int InitialBufferSize = 64 * 1024;
    private static readonly byte[] PiiMarker = "[PII]"u8.ToArray();

    public async Task<TranscriptMetadata> AnalyzeAsync(Stream transcript, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var walker = new Walker(lowConfidenceThreshold, toxicityThreshold);
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        try
        {
            var state = new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            var filled = 0;
            long consumedTotal = 0;
            var final = false;
            while (true)
            {
                if (filled == buffer.Length)
                {
                    // One token is larger than the buffer: grow it.
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await transcript.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                final = read == 0;
                filled += read;
                if (consumedTotal + filled > maxBytes)
                {
                    throw new TranscriptTooLargeException($"The transcript is larger than the limit of {maxBytes} bytes.");
                }

                var consumed = Walk(walker, buffer.AsSpan(0, filled), final, ref state, consumedTotal);
                consumedTotal += consumed;
                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
                if (final)
                {
                    if (!walker.Finished)
                    {
                        throw new MalformedTranscriptException(
                            $"The transcript ends at byte {consumedTotal + filled} before the JSON document does (truncated).");
                    }

                    return walker.Result(consumedTotal + filled);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int Walk(Walker walker, ReadOnlySpan<byte> data, bool final, ref JsonReaderState state, long offset)
    {
        var reader = new Utf8JsonReader(data, final, state);
        try
        {
            while (reader.Read())
            {
                // RFC 8259: JSON text is UTF-8. The reader checks the structure, not the bytes inside strings.
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && !Utf8.IsValid(reader.ValueSpan))
                {
                    throw new MalformedTranscriptException(
                        $"The transcript is not valid UTF-8 in the string at byte {offset + reader.TokenStartIndex}.");
                }

                walker.Token(ref reader);
            }
        }
        catch (JsonException e)
        {
            // Inside the document on the last block: the data ended mid-token or mid-value.
            var what = final && reader.CurrentDepth > 0 ? "is not valid JSON or is truncated" : "is not valid JSON";
            throw new MalformedTranscriptException($"The transcript {what} at byte {offset + reader.BytesConsumed}: {e.Message}", e);
        }

        state = reader.CurrentState;
        return (int)reader.BytesConsumed;
    }

    private enum Scope
    {
        Root,
        Results,
        Items,
        Item,
        Alternatives,
        Alternative,
        SpeakerLabels,
        Segments,
        Segment,
        ChannelLabels,
        Channels,
        LanguageIdentification,
        LanguageScore,
        LanguageCodes,
        LanguageDuration,
        Toxicity,
        ToxicSegment,
        ToxicCategories,
        Redactions,
        Redaction,
        Ignored,
    }

    private enum Field
    {
        None,
        Status,
        LanguageCode,
        StartTime,
        EndTime,
        Type,
        SpeakerLabel,
        ChannelLabel,
        Confidence,
        Content,
        Speakers,
        NumberOfChannels,
        Code,
        Score,
        IsRedacted,
        SpokenLanguage,
        DurationInSeconds,
        SegmentToxicity,
        CategoryScore,
        RedactionType,
    }

    /// <summary>Tracks where in the document the reader is and folds values into totals.</summary>
    private sealed class Walker(double lowConfidenceThreshold, double toxicityThreshold)
    {
        private readonly Stack<Scope> scopes = new();
        private readonly List<byte[]> speakerLabels = [];
        private readonly List<double> speakerSegmentSeconds = [];
        private readonly List<double> speakerItemSeconds = [];
        private readonly List<byte[]> channelLabels = [];
        private readonly List<byte[]> spokenLanguages = [];
        private readonly List<double> spokenSeconds = [];
        private readonly List<byte[]> redactionTypes = [];
        private readonly List<double> redactionTypeCounts = [];
        private readonly List<byte[]> toxicityCategories = [];
        private readonly List<double> toxicityCategoryMax = [];
        private Field field;
        private bool sawResults;
        private bool sawSegments;

        private string? languageCode;
        private string? identifiedLanguage;
        private double identifiedScore = double.MinValue;
        private double duration;
        private int words;
        private int scoredWords;
        private double confidenceSum;
        private double minConfidence = double.MaxValue;
        private int lowConfidence;
        private int declaredSpeakers;
        private int declaredChannels;
        private bool redactedTranscript;
        private int redactedItems;
        private bool sawToxicity;
        private int toxicSegments;
        private int scoredSegments;
        private double maxToxicity = double.NaN;

        // The results.language_codes entry being read.
        private int spokenLanguage = -1;
        private double spokenDuration = double.NaN;

        // The results.toxicity_detection entry being read, and the category whose score comes next.
        private double segmentToxicity = double.NaN;
        private int category = -1;

        // The item or segment being read.
        private double start = double.NaN;
        private double end = double.NaN;
        private bool pronunciation;
        private bool itemRedacted;
        private double confidence = double.NaN;
        private int speaker = -1;

        // The language-identification entry being read.
        private string? code;
        private double score = double.NaN;

        public bool Finished { get; private set; }

        public void Token(ref Utf8JsonReader reader)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    field = Current == Scope.Ignored ? Field.None : FieldOf(Current, ref reader);
                    if (field == Field.CategoryScore)
                    {
                        category = LabelIndex(toxicityCategories, toxicityCategoryMax, ref reader,
                            "results.toxicity_detection[].categories");
                    }

                    OpenIfContainer(ref reader);
                    return;
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    Open(reader.TokenType);
                    return;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    Close();
                    return;
                default:
                    Value(ref reader);
                    field = Field.None;
                    return;
            }
        }

        public TranscriptMetadata Result(long bytes)
        {
            if (!sawResults)
            {
                throw new UnexpectedTranscriptShapeException("The transcript has no 'results' object.");
            }

            var talk = new Dictionary<string, double>(StringComparer.Ordinal);
            var seconds = sawSegments ? speakerSegmentSeconds : speakerItemSeconds;
            for (var i = 0; i < speakerLabels.Count; i++)
            {
                talk[Encoding.UTF8.GetString(speakerLabels[i])] = Math.Round(seconds[i], 3);
            }


            return new TranscriptMetadata
            {
                LanguageCode = languageCode ?? identifiedLanguage,
                IdentifiedLanguage = identifiedLanguage,
                IdentifiedLanguageScore = identifiedLanguage is null ? null : identifiedScore,
                LanguageSeconds = Totals(spokenLanguages, spokenSeconds, seconds => Math.Round(seconds, 3)),
                DurationSeconds = Math.Round(duration, 3),
                WordCount = words,
                AverageConfidence = scoredWords == 0 ? null : Math.Round(confidenceSum / scoredWords, 4),
                MinConfidence = scoredWords == 0 ? null : minConfidence,
                LowConfidenceWordCount = lowConfidence,
                SpeakerCount = Math.Max(declaredSpeakers, speakerLabels.Count) is > 0 and var speakers ? speakers : null,
                SpeakerTalkSeconds = talk,
                ChannelCount = Math.Max(declaredChannels, channelLabels.Count) is > 0 and var channels ? channels : null,
                RedactedTranscript = redactedTranscript,
                PiiRedactedItemCount = redactedItems,
                PiiRedactionsByType = Totals(redactionTypes, redactionTypeCounts, count => (int)count),
                Toxicity = sawToxicity
                    ? new ToxicitySummary
                    {
                        SegmentCount = scoredSegments,
                        Threshold = toxicityThreshold,
                        ToxicSegmentCount = toxicSegments,
                        MaxToxicity = double.IsNaN(maxToxicity) ? null : maxToxicity,
                        MaxByCategory = Totals(toxicityCategories, toxicityCategoryMax, score => score),
                    }
                    : null,
                TranscriptBytes = bytes,
            };
        }

        /// <summary>Labels (UTF-8, validated on the way in) with their value, as a dictionary.</summary>
        private static Dictionary<string, T> Totals<T>(List<byte[]> labels, List<double> values, Func<double, T> convert)
        {
            var totals = new Dictionary<string, T>(labels.Count, StringComparer.Ordinal);
            for (var i = 0; i < labels.Count; i++)
            {
                totals[Encoding.UTF8.GetString(labels[i])] = convert(values[i]);
            }

            return totals;
        }

        private Scope Current => scopes.Count == 0 ? Scope.Root : scopes.Peek();

        private static Field FieldOf(Scope scope, ref Utf8JsonReader reader) => scope switch
        {
            Scope.Root when reader.ValueTextEquals("status"u8) => Field.Status,
            Scope.Root when reader.ValueTextEquals("isRedacted"u8) => Field.IsRedacted,
            Scope.Results when reader.ValueTextEquals("language_code"u8) => Field.LanguageCode,
            Scope.Item or Scope.Segment when reader.ValueTextEquals("start_time"u8) => Field.StartTime,
            Scope.Item or Scope.Segment when reader.ValueTextEquals("end_time"u8) => Field.EndTime,
            Scope.Item or Scope.Segment when reader.ValueTextEquals("speaker_label"u8) => Field.SpeakerLabel,
            Scope.Item when reader.ValueTextEquals("type"u8) => Field.Type,
            Scope.Item when reader.ValueTextEquals("channel_label"u8) => Field.ChannelLabel,
            Scope.Alternative when reader.ValueTextEquals("confidence"u8) => Field.Confidence,
            Scope.Alternative when reader.ValueTextEquals("content"u8) => Field.Content,
            Scope.SpeakerLabels when reader.ValueTextEquals("speakers"u8) => Field.Speakers,
            Scope.ChannelLabels when reader.ValueTextEquals("number_of_channels"u8) => Field.NumberOfChannels,
            Scope.LanguageScore when reader.ValueTextEquals("code"u8) => Field.Code,
            Scope.LanguageScore when reader.ValueTextEquals("score"u8) => Field.Score,
            Scope.LanguageDuration when reader.ValueTextEquals("language_code"u8) => Field.SpokenLanguage,
            Scope.LanguageDuration when reader.ValueTextEquals("duration_in_seconds"u8) => Field.DurationInSeconds,
            Scope.ToxicSegment when reader.ValueTextEquals("toxicity"u8) => Field.SegmentToxicity,
            Scope.ToxicCategories => Field.CategoryScore,
            Scope.Redaction when reader.ValueTextEquals("type"u8) => Field.RedactionType,
            _ => Field.None,
        };

        // Containers are recognised by the property that names them; remember which one comes next.
        private Scope pendingContainer = Scope.Ignored;

        private void OpenIfContainer(ref Utf8JsonReader reader)
        {
            pendingContainer = Current switch
            {
                Scope.Root when reader.ValueTextEquals("results"u8) => Scope.Results,
                Scope.Results when reader.ValueTextEquals("items"u8) => Scope.Items,
                Scope.Results when reader.ValueTextEquals("speaker_labels"u8) => Scope.SpeakerLabels,
                Scope.Results when reader.ValueTextEquals("channel_labels"u8) => Scope.ChannelLabels,
                Scope.Results when reader.ValueTextEquals("language_identification"u8) => Scope.LanguageIdentification,
                Scope.Results when reader.ValueTextEquals("language_codes"u8) => Scope.LanguageCodes,
                Scope.Results when reader.ValueTextEquals("toxicity_detection"u8) => Scope.Toxicity,
                Scope.Item when reader.ValueTextEquals("alternatives"u8) => Scope.Alternatives,
                Scope.Alternative when reader.ValueTextEquals("redactions"u8) => Scope.Redactions,
                Scope.ToxicSegment when reader.ValueTextEquals("categories"u8) => Scope.ToxicCategories,
                Scope.SpeakerLabels when reader.ValueTextEquals("segments"u8) => Scope.Segments,
                Scope.ChannelLabels when reader.ValueTextEquals("channels"u8) => Scope.Channels,
                _ => Scope.Ignored,
            };
        }

        private void Open(JsonTokenType token)
        {
            var isArray = token == JsonTokenType.StartArray;
            Scope next;
            if (scopes.Count == 0)
            {
                next = isArray ? throw new UnexpectedTranscriptShapeException("The transcript is a JSON array; expected an object.")
                    : Scope.Root;
                scopes.Push(next);
                return;
            }

            var parent = Current;
            if (field != Field.None)
            {
                throw new UnexpectedTranscriptShapeException(
                    $"'{FieldName(field)}' is {(isArray ? "an array" : "an object")}; expected a value.");
            }

            if (parent is Scope.Items or Scope.Alternatives or Scope.Segments or Scope.LanguageIdentification or Scope.LanguageCodes
                or Scope.Toxicity or Scope.Redactions)
            {
                next = isArray
                    ? throw new UnexpectedTranscriptShapeException(
                        $"An entry of '{ContainerName(parent)}' is an array; expected an object.")
                    : parent switch
                    {
                        Scope.Items => Scope.Item,
                        Scope.Alternatives => FirstAlternative(),
                        Scope.Segments => Scope.Segment,
                        Scope.LanguageCodes => Scope.LanguageDuration,
                        Scope.Toxicity => Scope.ToxicSegment,
                        Scope.Redactions => Scope.Redaction,
                        _ => Scope.LanguageScore,
                    };
                switch (next)
                {
                    case Scope.Item or Scope.Segment:
                        ResetEntry();
                        break;
                    case Scope.LanguageScore:
                        code = null;
                        score = double.NaN;
                        break;
                    case Scope.LanguageDuration:
                        spokenLanguage = -1;
                        spokenDuration = double.NaN;
                        break;
                    case Scope.ToxicSegment:
                        segmentToxicity = double.NaN;
                        break;
                    case Scope.Redaction:
                        // Any redaction entry means the item was redacted; its type is counted when named.
                        itemRedacted = true;
                        break;
                }
            }
            else if (pendingContainer != Scope.Ignored)
            {
                next = pendingContainer;
                var wantsArray = next is Scope.Items or Scope.Alternatives or Scope.Segments or Scope.Channels
                    or Scope.LanguageIdentification
                    or Scope.LanguageCodes or Scope.Toxicity or Scope.Redactions;
                if (wantsArray != isArray)
                {
                    throw new UnexpectedTranscriptShapeException(
                        $"'{ContainerName(next)}' is {(isArray ? "an array" : "an object")}; expected "
                        + $"{(wantsArray ? "an array" : "an object")}.");
                }

                if (next == Scope.Results)
                {
                    sawResults = true;
                }
                else if (next == Scope.Segments)
                {
                    sawSegments = true;
                }
                else if (next == Scope.Toxicity)
                {
                    sawToxicity = true;
                }
            }
            else
            {
                next = Scope.Ignored;
            }

            pendingContainer = Scope.Ignored;
            scopes.Push(next);
        }

        // Only the first alternative of an item is Transcribe's answer.
        private bool firstAlternativeRead;

        private Scope FirstAlternative()
        {
            if (firstAlternativeRead)
            {
                return Scope.Ignored;
            }

            firstAlternativeRead = true;
            return Scope.Alternative;
        }

        private void Close()
        {
            var closed = scopes.Pop();
            field = Field.None;
            pendingContainer = Scope.Ignored;
            switch (closed)
            {
                case Scope.Item:
                    CloseItem();
                    break;
                case Scope.Segment:
                    CloseSegment();
                    break;
                case Scope.LanguageScore when code is not null && !double.IsNaN(score) && score > identifiedScore:
                    identifiedLanguage = code;
                    identifiedScore = score;
                    break;
                case Scope.LanguageDuration:
                    if (spokenLanguage < 0 || double.IsNaN(spokenDuration))
                    {
                        throw new UnexpectedTranscriptShapeException(
                            "An entry of 'results.language_codes' lacks its language_code or duration_in_seconds.");
                    }

                    spokenSeconds[spokenLanguage] += spokenDuration;
                    break;
                case Scope.ToxicSegment:
                    CloseToxicSegment();
                    break;
                case Scope.Root:
                    Finished = true;
                    break;
            }
        }

        private void ResetEntry()
        {
            start = end = confidence = double.NaN;
            pronunciation = false;
            itemRedacted = false;
            speaker = -1;
            firstAlternativeRead = false;
        }

        private void CloseItem()
        {
            if (!double.IsNaN(end))
            {
                duration = Math.Max(duration, end);
            }

            if (itemRedacted)
            {
                redactedItems++;
            }

            if (!pronunciation)
            {
                return;
            }

            words++;
            if (speaker >= 0 && !double.IsNaN(start) && !double.IsNaN(end))
            {
                speakerItemSeconds[speaker] += end - start;
            }

            // A redacted word's confidence (when present) is Transcribe's confidence that it is PII,
            // not a recognition confidence: it is counted as a word but kept out of the confidence figures.
            if (itemRedacted)
            {
                return;
            }

            if (double.IsNaN(confidence))
            {
                throw new UnexpectedTranscriptShapeException($"Pronunciation item {words} has no alternatives[0].confidence.");
            }

            scoredWords++;
            confidenceSum += confidence;
            minConfidence = Math.Min(minConfidence, confidence);
            if (confidence < lowConfidenceThreshold)
            {
                lowConfidence++;
            }
        }

        private void CloseToxicSegment()
        {
            if (double.IsNaN(segmentToxicity))
            {
                throw new UnexpectedTranscriptShapeException(
                    $"Entry {scoredSegments + 1} of 'results.toxicity_detection' has no toxicity.");
            }

            scoredSegments++;
            maxToxicity = double.IsNaN(maxToxicity) ? segmentToxicity : Math.Max(maxToxicity, segmentToxicity);
            if (segmentToxicity >= toxicityThreshold)
            {
                toxicSegments++;
            }
        }

        private void CloseSegment()
        {
            if (!double.IsNaN(end))
            {
                duration = Math.Max(duration, end);
            }

            if (speaker >= 0 && !double.IsNaN(start) && !double.IsNaN(end))
            {
                speakerSegmentSeconds[speaker] += end - start;
            }
        }

        private void Value(ref Utf8JsonReader reader)
        {
            switch (field)
            {
                case Field.None:
                    return;
                case Field.Status:
                    if (String(ref reader) is var status && status != "COMPLETED")
                    {
                        throw new UnexpectedTranscriptShapeException($"'status' is '{status}'; expected COMPLETED.");
                    }

                    return;
                case Field.IsRedacted:
                    redactedTranscript |= reader.TokenType == JsonTokenType.True;
                    return;
                case Field.LanguageCode:
                    languageCode = String(ref reader);
                    return;
                case Field.Code:
                    code = String(ref reader);
                    return;
                case Field.Type:
                    RequireString(ref reader);
                    pronunciation = reader.ValueTextEquals("pronunciation"u8);
                    return;
                case Field.Content:
                    RequireString(ref reader);
                    if (reader.ValueTextEquals(PiiMarker))
                    {
                        itemRedacted = true;
                    }

                    return;
                case Field.SpeakerLabel:
                    RequireString(ref reader);
                    speaker = LabelIndex(speakerLabels, speakerSegmentSeconds, ref reader, "speaker_label");
                    return;
                case Field.ChannelLabel:
                    RequireString(ref reader);
                    LabelIndex(channelLabels, null, ref reader, "channel_label");
                    return;
                case Field.SpokenLanguage:
                    RequireString(ref reader);
                    spokenLanguage = LabelIndex(spokenLanguages, spokenSeconds, ref reader, "results.language_codes");
                    return;
                case Field.DurationInSeconds:
                    spokenDuration = Number(ref reader);
                    if (spokenDuration < 0)
                    {
                        throw new UnexpectedTranscriptShapeException(
                            $"'{FieldName(field)}' is {spokenDuration}; expected a duration of 0 or more.");
                    }

                    return;
                case Field.SegmentToxicity:
                    segmentToxicity = Score01(ref reader);
                    return;
                case Field.CategoryScore:
                    toxicityCategoryMax[category] = Math.Max(toxicityCategoryMax[category], Score01(ref reader));
                    return;
                case Field.RedactionType:
                    RequireString(ref reader);
                    redactionTypeCounts[LabelIndex(redactionTypes, redactionTypeCounts, ref reader, "redactions[].type")]++;
                    return;
                case Field.StartTime:
                    start = Number(ref reader);
                    return;
                case Field.EndTime:
                    end = Number(ref reader);
                    return;
                case Field.Confidence:
                    confidence = Score01(ref reader);
                    return;
                case Field.Score:
                    score = Number(ref reader);
                    return;
                case Field.Speakers:
                    declaredSpeakers = (int)Number(ref reader);
                    return;
                case Field.NumberOfChannels:
                    declaredChannels = (int)Number(ref reader);
                    return;
            }
        }

        /// <summary>
        /// The index of the current string (or property name) among <paramref name="labels"/>, added when new
        /// (with a 0 in <paramref name="values"/>). Escaped labels are kept unescaped, as their text.
        /// </summary>
        private int LabelIndex(List<byte[]> labels, List<double>? values, ref Utf8JsonReader reader, string what)
        {
            for (var i = 0; i < labels.Count; i++)
            {
                if (reader.ValueTextEquals(labels[i]))
                {
                    return i;
                }
            }

            if (labels.Count == MaxDistinctLabels)
            {
                throw new UnexpectedTranscriptShapeException(
                    $"'{what}' has more than {MaxDistinctLabels} distinct values; Transcribe writes far fewer.");
            }

            labels.Add(reader.ValueIsEscaped ? Encoding.UTF8.GetBytes(Text(ref reader)) : reader.ValueSpan.ToArray());
            values?.Add(0);
            if (values == speakerSegmentSeconds)
            {
                speakerItemSeconds.Add(0);
            }

            return labels.Count - 1;
        }

        /// <summary>A score or confidence: a number from 0 to 1.</summary>
        private double Score01(ref Utf8JsonReader reader)
        {
            var value = Number(ref reader);
            return value is >= 0 and <= 1
                ? value
                : throw new UnexpectedTranscriptShapeException($"'{FieldName(field)}' is {value}; expected a value between 0 and 1.");
        }

        /// <summary>The current string's text; an escaped lone surrogate (valid JSON, invalid text) is malformed.</summary>
        private static string Text(ref Utf8JsonReader reader)
        {
            try
            {
                return reader.GetString()!;
            }
            catch (InvalidOperationException e)
            {
                throw new MalformedTranscriptException(
                    $"The transcript has a string that is not valid text at byte {reader.TokenStartIndex}: {e.Message}", e);
            }
        }

        private void RequireString(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new UnexpectedTranscriptShapeException($"'{FieldName(field)}' is {reader.TokenType}; expected a string.");
            }
        }

        private string String(ref Utf8JsonReader reader)
        {
            RequireString(ref reader);
            return Text(ref reader);
        }

        /// <summary>Transcribe writes times and confidences as strings ("0.95"); numbers are accepted too. Only finite values.</summary>
        private double Number(ref Utf8JsonReader reader)
        {
            var parsed = double.NaN;
            var ok = reader.TokenType switch
            {
                JsonTokenType.Number => reader.TryGetDouble(out parsed),
                JsonTokenType.String when !reader.ValueIsEscaped => Utf8Parser.TryParse(reader.ValueSpan, out parsed, out var length)
                    && length == reader.ValueSpan.Length,
                JsonTokenType.String => double.TryParse(Text(ref reader), NumberStyles.Float, CultureInfo.InvariantCulture, out parsed),
                _ => false,
            };
            if (ok && double.IsFinite(parsed))
            {
                return parsed;
            }

            var text = reader.TokenType == JsonTokenType.String ? Text(ref reader) : reader.TokenType.ToString();
            throw new UnexpectedTranscriptShapeException($"'{FieldName(field)}' is '{text}'; expected a number.");
        }

        private static string FieldName(Field field) => field switch
        {
            Field.Status => "status",
            Field.LanguageCode => "results.language_code",
            Field.StartTime => "start_time",
            Field.EndTime => "end_time",
            Field.Type => "results.items[].type",
            Field.SpeakerLabel => "speaker_label",
            Field.ChannelLabel => "results.items[].channel_label",
            Field.Confidence => "results.items[].alternatives[].confidence",
            Field.Content => "results.items[].alternatives[].content",
            Field.Speakers => "results.speaker_labels.speakers",
            Field.NumberOfChannels => "results.channel_labels.number_of_channels",
            Field.Code => "results.language_identification[].code",
            Field.Score => "results.language_identification[].score",
            Field.IsRedacted => "isRedacted",
            Field.SpokenLanguage => "results.language_codes[].language_code",
            Field.DurationInSeconds => "results.language_codes[].duration_in_seconds",
            Field.SegmentToxicity => "results.toxicity_detection[].toxicity",
            Field.CategoryScore => "results.toxicity_detection[].categories",
            Field.RedactionType => "results.items[].alternatives[].redactions[].type",
            _ => "(none)",
        };

        private static string ContainerName(Scope scope) => scope switch
        {
            Scope.Results => "results",
            Scope.Items => "results.items",
            Scope.Alternatives => "results.items[].alternatives",
            Scope.SpeakerLabels => "results.speaker_labels",
            Scope.Segments => "results.speaker_labels.segments",
            Scope.ChannelLabels => "results.channel_labels",
            Scope.Channels => "results.channel_labels.channels",
            Scope.LanguageIdentification => "results.language_identification",
            Scope.LanguageCodes => "results.language_codes",
            Scope.Toxicity => "results.toxicity_detection",
            Scope.ToxicCategories => "results.toxicity_detection[].categories",
            Scope.Redactions => "results.items[].alternatives[].redactions",
            _ => scope.ToString(),
        };
    }
}
