using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TranscribeStack.Functions.PostProcessing;

// Longer than the ~400 lines a file here usually has, on purpose: it is one streaming parser, one
// Utf8JsonReader over a refilled buffer whose state (a ref struct) must stay in one method family;
// split across classes, every helper would copy or re-pass the reader. Its parts are the scopes of
// Transcribe's output format, in document order.

/// <summary>
/// Reads a transcript in Amazon Transcribe's batch output format from a stream, in one pass over a
/// small pooled buffer, and computes <see cref="TranscriptMetadata"/>. Nothing proportional to the
/// transcript is kept: per-word values are folded into running totals as they are read, and
/// speaker and channel labels are matched as bytes against the few labels seen so far.
/// </summary>
public sealed class TranscriptAnalyzer(double lowConfidenceThreshold, long maxBytes)
{
    private const int InitialBufferSize = 64 * 1024;
    private static readonly byte[] PiiMarker = "[PII]"u8.ToArray();

    public async Task<TranscriptMetadata> AnalyzeAsync(Stream transcript, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var walker = new Walker(lowConfidenceThreshold);
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
                        throw new MalformedTranscriptException($"The transcript ends at byte {consumedTotal + filled} before the JSON document does (truncated).");
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
    }

    /// <summary>Tracks where in the document the reader is and folds values into totals.</summary>
    private sealed class Walker(double lowConfidenceThreshold)
    {
        private readonly Stack<Scope> scopes = new();
        private readonly List<byte[]> speakerLabels = [];
        private readonly List<double> speakerSegmentSeconds = [];
        private readonly List<double> speakerItemSeconds = [];
        private readonly List<byte[]> channelLabels = [];
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
        private bool redacted;

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
                DurationSeconds = Math.Round(duration, 3),
                WordCount = words,
                AverageConfidence = scoredWords == 0 ? null : Math.Round(confidenceSum / scoredWords, 4),
                MinConfidence = scoredWords == 0 ? null : minConfidence,
                LowConfidenceWordCount = lowConfidence,
                SpeakerCount = Math.Max(declaredSpeakers, speakerLabels.Count) is > 0 and var speakers ? speakers : null,
                SpeakerTalkSeconds = talk,
                ChannelCount = Math.Max(declaredChannels, channelLabels.Count) is > 0 and var channels ? channels : null,
                PiiRedacted = redacted,
                TranscriptBytes = bytes,
            };
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
                Scope.Item when reader.ValueTextEquals("alternatives"u8) => Scope.Alternatives,
                Scope.SpeakerLabels when reader.ValueTextEquals("segments"u8) => Scope.Segments,
                Scope.ChannelLabels when reader.ValueTextEquals("channels"u8) => Scope.Channels,
                _ => Scope.Ignored,
            };
            if (Current == Scope.Alternative && reader.ValueTextEquals("redactions"u8))
            {
                redacted = itemRedacted = true;
            }
        }

        private void Open(JsonTokenType token)
        {
            var isArray = token == JsonTokenType.StartArray;
            Scope next;
            if (scopes.Count == 0)
            {
                next = isArray ? throw new UnexpectedTranscriptShapeException("The transcript is a JSON array; expected an object.") : Scope.Root;
                scopes.Push(next);
                return;
            }

            var parent = Current;
            if (field != Field.None)
            {
                throw new UnexpectedTranscriptShapeException($"'{FieldName(field)}' is {(isArray ? "an array" : "an object")}; expected a value.");
            }

            if (parent is Scope.Items or Scope.Alternatives or Scope.Segments or Scope.LanguageIdentification)
            {
                next = isArray
                    ? throw new UnexpectedTranscriptShapeException($"An entry of '{ContainerName(parent)}' is an array; expected an object.")
                    : parent switch
                    {
                        Scope.Items => Scope.Item,
                        Scope.Alternatives => FirstAlternative(),
                        Scope.Segments => Scope.Segment,
                        _ => Scope.LanguageScore,
                    };
                if (next is Scope.Item or Scope.Segment)
                {
                    ResetEntry();
                }
                else if (next == Scope.LanguageScore)
                {
                    code = null;
                    score = double.NaN;
                }
            }
            else if (pendingContainer != Scope.Ignored)
            {
                next = pendingContainer;
                var wantsArray = next is Scope.Items or Scope.Alternatives or Scope.Segments or Scope.Channels or Scope.LanguageIdentification;
                if (wantsArray != isArray)
                {
                    throw new UnexpectedTranscriptShapeException($"'{ContainerName(next)}' is {(isArray ? "an array" : "an object")}; expected {(wantsArray ? "an array" : "an object")}.");
                }

                if (next == Scope.Results)
                {
                    sawResults = true;
                }
                else if (next == Scope.Segments)
                {
                    sawSegments = true;
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
                    if (String(ref reader) != "COMPLETED")
                    {
                        throw new UnexpectedTranscriptShapeException($"'status' is '{reader.GetString()}'; expected COMPLETED.");
                    }

                    return;
                case Field.IsRedacted:
                    redacted |= reader.TokenType == JsonTokenType.True;
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
                        redacted = itemRedacted = true;
                    }

                    return;
                case Field.SpeakerLabel:
                    speaker = LabelIndex(speakerLabels, ref reader, grow: true);
                    return;
                case Field.ChannelLabel:
                    LabelIndex(channelLabels, ref reader, grow: false);
                    return;
                case Field.StartTime:
                    start = Number(ref reader);
                    return;
                case Field.EndTime:
                    end = Number(ref reader);
                    return;
                case Field.Confidence:
                    confidence = Number(ref reader);
                    if (confidence is < 0 or > 1)
                    {
                        throw new UnexpectedTranscriptShapeException($"'{FieldName(field)}' is {confidence}; expected a value between 0 and 1.");
                    }

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

        private int LabelIndex(List<byte[]> labels, ref Utf8JsonReader reader, bool grow)
        {
            RequireString(ref reader);
            for (var i = 0; i < labels.Count; i++)
            {
                if (reader.ValueTextEquals(labels[i]))
                {
                    return i;
                }
            }

            labels.Add(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan.ToArray());
            if (grow)
            {
                speakerSegmentSeconds.Add(0);
                speakerItemSeconds.Add(0);
            }

            return labels.Count - 1;
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
            return reader.GetString()!;
        }

        /// <summary>Transcribe writes times and confidences as strings ("0.95"); numbers are accepted too. Only finite values.</summary>
        private double Number(ref Utf8JsonReader reader)
        {
            var parsed = double.NaN;
            var ok = reader.TokenType switch
            {
                JsonTokenType.Number => reader.TryGetDouble(out parsed),
                JsonTokenType.String when !reader.ValueIsEscaped => Utf8Parser.TryParse(reader.ValueSpan, out parsed, out var length) && length == reader.ValueSpan.Length,
                JsonTokenType.String => double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out parsed),
                _ => false,
            };
            if (ok && double.IsFinite(parsed))
            {
                return parsed;
            }

            var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : reader.TokenType.ToString();
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
            _ => scope.ToString(),
        };
    }
}
