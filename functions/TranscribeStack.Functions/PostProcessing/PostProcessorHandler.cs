using Amazon.DynamoDBv2;
using Amazon.S3;
using TranscribeStack.Contracts;

namespace TranscribeStack.Functions.PostProcessing;

/// <summary>
/// Lambda entry point: TranscribeStack.Functions::TranscribeStack.Functions.PostProcessing.PostProcessorHandler::HandleAsync.
/// A Stream-in/Stream-out handler, which the managed runtime calls without a serializer.
/// </summary>
public sealed class PostProcessorHandler
{
    private readonly PostProcessor processor;

    /// <summary>
    /// Used by the Lambda runtime: clients are built once per container; settings from the environment. Each
    /// recorded job's audio minutes go to stdout as an embedded metric format line (see <see cref="PipelineMetrics"/>).
    /// </summary>
    public PostProcessorHandler()
        : this(
            new AmazonS3Client(),
            new AmazonDynamoDBClient(),
            Settings.Required("TABLE_NAME"),
            Settings.Parse<long>("MAX_TRANSCRIPT_BYTES"),
            Settings.Parse<double>("LOW_CONFIDENCE_THRESHOLD"),
            Settings.Parse<double>("TOXICITY_THRESHOLD"),
            metrics: new EmbeddedMetricsWriter(Console.Out, Settings.Required(PipelineMetrics.EnvironmentVariable)))
    {
    }

    public PostProcessorHandler(IAmazonS3 s3, IAmazonDynamoDB dynamo, string tableName, long maxTranscriptBytes,
        double lowConfidenceThreshold, double toxicityThreshold = 0.5, TimeProvider? clock = null, IJobMetrics? metrics = null)
        : this(new PostProcessor(
            new S3TranscriptSource(s3),
            new DynamoJobMetadataStore(dynamo, tableName),
            new TranscriptAnalyzer(lowConfidenceThreshold, maxTranscriptBytes, toxicityThreshold),
            maxTranscriptBytes,
            clock ?? TimeProvider.System,
            metrics))
    {
    }

    public PostProcessorHandler(PostProcessor processor) => this.processor = processor;

    public async Task<Stream> HandleAsync(Stream input)
    {
        var request = await FunctionsJson.ReadAsync(input, FunctionsJson.Default.PostProcessRequest).ConfigureAwait(false);
        var result = await processor.ProcessAsync(request).ConfigureAwait(false);
        return FunctionsJson.Write(result, FunctionsJson.Default.PostProcessResult);
    }
}
