using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace TranscribeStack.Functions.PostProcessing;

/// <summary>Streams a transcript from S3 (the response stream is read as it arrives).</summary>
public sealed class S3TranscriptSource(IAmazonS3 s3) : ITranscriptSource
{
    public async Task<(Stream Content, long? Length)> OpenAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        try
        {
            var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key },
                cancellationToken).ConfigureAwait(false);
            return (response.ResponseStream, response.ContentLength);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound || e.ErrorCode is "NoSuchKey" or "NoSuchBucket")
        {
            throw new TranscriptNotFoundException($"The transcript s3://{bucket}/{key} does not exist ({e.ErrorCode}).", e);
        }
    }
}
