namespace TranscribeStack.Cdk.Workflow;

/// <summary>
/// The retriers the state machines of this stack share, each for one integration's transient errors:
/// exponential back-off with full jitter. Error names as Step Functions reports them: the optimized
/// integrations "DynamoDB."/"SQS.", the AWS SDK integration "DynamoDb.", with the Exception suffix
/// added where the service's model lacks it; Lambda's are the ones Step Functions documents.
/// </summary>
internal static class Retries
{
    private static readonly string[] LambdaServiceErrors =
    [
        "Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
        "Lambda.TooManyRequestsException", "Lambda.ClientExecutionTimeoutException",
    ];

    private static readonly string[] DynamoDbThrottling =
        ["ProvisionedThroughputExceededException", "ThrottlingException", "InternalServerErrorException", "RequestLimitExceededException"];

    private static readonly string[] SqsThrottling = ["SQS.RequestThrottledException", "SQS.KmsThrottledException"];

    // Transcribe models no ThrottlingException: it answers request-rate and job-quota excess alike with
    // LimitExceededException; InternalFailureException is its server error.
    public const string TranscribeLimitExceeded = "Transcribe.LimitExceededException";
    public const string TranscribeInternalFailure = "Transcribe.InternalFailureException";

    /// <summary>
    /// The passing causes: every error a retrier of this class takes (Lambda's service errors, Transcribe's
    /// rate, quota and server errors, DynamoDB's and SQS's throttling through either integration) and a task
    /// that timed out (States.Timeout). When one outlasts its retries the workflow does not catch it: the
    /// execution fails at that step, the execution-end recorder records it once, and an operator redrives it
    /// (the redrive runs the step again). One list, read by the workflow's catches' guard tests and by the
    /// recorder, which tells the operator so. Step Functions' names, as the services' models spell them.
    /// </summary>
    public static IReadOnlyList<string> Passing { get; } =
    [
        .. LambdaServiceErrors,
        TranscribeLimitExceeded, TranscribeInternalFailure,
        .. DynamoDbThrottling.Select(error => $"DynamoDB.{error}"),
        .. DynamoDbThrottling.Select(error => $"DynamoDb.{error}"),
        .. SqsThrottling,
        // A task that outlived its TimeoutSeconds (Errors.TIMEOUT). Not the execution's own timeout (that
        // ends it TIMED_OUT), and not the wait for the job, whose timeout is the polling plan and is caught.
        "States.Timeout",
    ];

    /// <summary>Only the Lambda service's own transient errors; a function error is an answer, not a glitch.</summary>
    public static RetryProps Lambda() => new()
    {
        Errors = LambdaServiceErrors,
        Interval = Duration.Seconds(2),
        BackoffRate = 2,
        MaxAttempts = 4,
        MaxDelay = Duration.Seconds(30),
        JitterStrategy = JitterType.FULL,
    };

    /// <summary>DynamoDB's throttling and server errors through the optimized integration (dynamodb:putItem).</summary>
    public static RetryProps DynamoDb() => DynamoDbRetry("DynamoDB", maxAttempts: 5);

    /// <summary>The same errors through the AWS SDK integration (aws-sdk:dynamodb:*).</summary>
    public static RetryProps DynamoDbSdk(int maxAttempts) => DynamoDbRetry("DynamoDb", maxAttempts);

    /// <summary>SQS's modeled throttling errors (RequestThrottled, KmsThrottled) through the optimized integration.</summary>
    public static RetryProps Sqs() => new()
    {
        Errors = SqsThrottling,
        Interval = Duration.Seconds(1),
        BackoffRate = 2,
        MaxAttempts = 5,
        JitterStrategy = JitterType.FULL,
    };

    /// <summary>
    /// The same SQS errors through the AWS SDK integration (aws-sdk:sqs:*, "Sqs." + the modeled error); KMS's
    /// throttling only where the operation uses the key (<paramref name="usesKey"/>: receive, send), as SQS models it.
    /// </summary>
    public static RetryProps SqsSdk(bool usesKey) => new()
    {
        Errors = SqsThrottling.Where(error => usesKey || !error.Contains("Kms", StringComparison.Ordinal)).Select(
            error => error.Replace("SQS.", "Sqs.", StringComparison.Ordinal)).ToArray(),
        Interval = Duration.Seconds(1),
        BackoffRate = 2,
        MaxAttempts = 5,
        JitterStrategy = JitterType.FULL,
    };

    /// <summary>Transcribe's rate, quota and server errors: exponential backoff with full jitter, capped.</summary>
    public static RetryProps Transcribe(int maxAttempts, int maxBackoffSeconds) => new()
    {
        Errors = [TranscribeLimitExceeded, TranscribeInternalFailure],
        Interval = Duration.Seconds(2),
        BackoffRate = 2,
        MaxAttempts = maxAttempts,
        MaxDelay = Duration.Seconds(maxBackoffSeconds),
        JitterStrategy = JitterType.FULL,
    };

    private static RetryProps DynamoDbRetry(string service, int maxAttempts) => new()
    {
        Errors = DynamoDbThrottling.Select(error => $"{service}.{error}").ToArray(),
        Interval = Duration.Seconds(1),
        BackoffRate = 2,
        MaxAttempts = maxAttempts,
        JitterStrategy = JitterType.FULL,
    };

    /// <summary>
    /// StartExecution's answer when an execution of that name exists (optimized states:startExecution): the
    /// object's execution is there, so the upload is handled. Never retried; the starters' Catch takes it.
    /// </summary>
    public const string ExecutionAlreadyExists = "StepFunctions.ExecutionAlreadyExistsException";

    /// <summary>Put first: the retriers after it do not take an existing execution for a glitch.</summary>
    public static RetryProps NeverExecutionAlreadyExists() => new()
    {
        Errors = [ExecutionAlreadyExists],
        MaxAttempts = 0,
    };

    /// <summary>
    /// StartExecution's modeled refusals for load: too many open executions (ExecutionLimitExceeded) and KMS
    /// throttling the input's encryption. Up to 8 attempts, delays capped at 20 s: about 90 s at most.
    /// </summary>
    public static RetryProps StartExecutionThrottled() => new()
    {
        Errors = ["StepFunctions.ExecutionLimitExceededException", "StepFunctions.KmsThrottlingException"],
        Interval = Duration.Seconds(1),
        BackoffRate = 2,
        MaxAttempts = 8,
        MaxDelay = Duration.Seconds(20),
        JitterStrategy = JitterType.FULL,
    };

    /// <summary>
    /// Whatever else StartExecution fails with: the SFN model lists no API-rate ThrottlingException for
    /// StartExecution (AWS answers one when the account's StartExecution bucket is empty), so no modeled name
    /// can take it; States.TaskFailed does (never ExecutionAlreadyExists: the retrier above is first). Ten
    /// attempts, up to 20 s apart with full jitter (about two minutes in all, inside the starter's five): a
    /// 3,000-upload burst then gets through the smallest published StartExecution quota (a bucket of 800,
    /// 150 a second) with no event dead-lettered (npm run bench:burst); three attempts left hundreds.
    /// </summary>
    public static RetryProps StartExecutionFailed() => new()
    {
        Errors = [Errors.TASKS_FAILED],
        Interval = Duration.Seconds(1),
        BackoffRate = 2,
        MaxAttempts = 10,
        MaxDelay = Duration.Seconds(20),
        JitterStrategy = JitterType.FULL,
    };
}
