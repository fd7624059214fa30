using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using TranscribeStack.Contracts;

namespace TranscribeStack.Functions.Tests.Integration;

/// <summary>
/// Real local S3 (s3rver) and DynamoDB (dynalite) servers from node_modules, started on free
/// loopback ports for the test run and stopped after it, with real AWSSDK clients pointed at them.
/// </summary>
public sealed class LocalServers : IAsyncLifetime
{
    public const string TableName = "job-metadata";
    public const string TranscriptBucket = "transcripts-bucket";

    private static readonly BasicAWSCredentials Credentials = new("S3RVER", "S3RVER");
    private readonly List<Process> processes = [];
    private readonly string s3Directory = Directory.CreateTempSubdirectory("s3rver-").FullName;

    public IAmazonS3 S3 { get; private set; } = null!;

    public IAmazonDynamoDB Dynamo { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var s3Port = FreePort();
        var dynamoPort = FreePort();
        Start("s3rver", "--address", "127.0.0.1", "--port", s3Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--directory", s3Directory, "--silent");
        Start("dynalite", "--host", "127.0.0.1", "--port", dynamoPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0");
        await Task.WhenAll(WaitForPort(s3Port), WaitForPort(dynamoPort));

        S3 = new AmazonS3Client(Credentials, new AmazonS3Config
        {
            ServiceURL = $"http://127.0.0.1:{s3Port}",
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            // s3rver does not speak the SDK's default flexible-checksum (aws-chunked) uploads.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });
        Dynamo = new AmazonDynamoDBClient(Credentials, new AmazonDynamoDBConfig
        {
            ServiceURL = $"http://127.0.0.1:{dynamoPort}",
            AuthenticationRegion = "us-east-1",
        });

        await S3.PutBucketAsync(new PutBucketRequest { BucketName = TranscriptBucket });
        await Dynamo.CreateTableAsync(new CreateTableRequest
        {
            TableName = TableName,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions =
            [
                new AttributeDefinition(JobMetadataSchema.JobName, ScalarAttributeType.S),
                new AttributeDefinition(JobMetadataSchema.Status, ScalarAttributeType.S),
                new AttributeDefinition(JobMetadataSchema.UpdatedAt, ScalarAttributeType.S),
            ],
            KeySchema = [new KeySchemaElement(JobMetadataSchema.JobName, KeyType.HASH)],
            GlobalSecondaryIndexes =
            [
                new GlobalSecondaryIndex
                {
                    IndexName = JobMetadataSchema.StatusIndex,
                    KeySchema = [new KeySchemaElement(JobMetadataSchema.Status, KeyType.HASH),
                        new KeySchemaElement(JobMetadataSchema.UpdatedAt, KeyType.RANGE)],
                    Projection = new Projection { ProjectionType = ProjectionType.ALL },
                },
            ],
        });
    }

    public Task DisposeAsync()
    {
        S3?.Dispose();
        Dynamo?.Dispose();
        foreach (var process in processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }

            process.Dispose();
        }

        Directory.Delete(s3Directory, recursive: true);
        return Task.CompletedTask;
    }

    public async Task PutTranscriptAsync(string key, byte[] content) =>
        await S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = TranscriptBucket,
            Key = key,
            InputStream = new MemoryStream(content),
            UseChunkEncoding = false,
        });

    public async Task<Dictionary<string, AttributeValue>?> GetItemAsync(string jobName)
    {
        var response = await Dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = TableName,
            Key = new Dictionary<string, AttributeValue> { [JobMetadataSchema.JobName] = new() { S = jobName } },
            ConsistentRead = true,
        });
        return response.IsItemSet ? response.Item : null;
    }

    public async Task<int> CountItemsAsync() =>
        (await Dynamo.ScanAsync(new ScanRequest { TableName = TableName, Select = Select.COUNT })).Count ?? 0;

    private void Start(string tool, params string[] arguments)
    {
        var script = Path.Combine(RepositoryRoot(), "node_modules", ".bin", tool);
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"{script} not found: run 'npm ci' at the repository root first.");
        }

        var start = new ProcessStartInfo(script) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {tool}.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        processes.Add(process);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForPort(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TranscribeStack.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("TranscribeStack.sln not found above " + AppContext.BaseDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class LocalServersCollection : ICollectionFixture<LocalServers>
{
    public const string Name = "Local S3 and DynamoDB";
}
