namespace TranscribeStack.Cdk.Tests.Functions;

[Collection(SynthesizedStacksCollection.Name)]
public sealed class FunctionTemplateTests(SynthesizedStacks stacks)
{
    private const string Function = "AWS::Lambda::Function";

    [Theory]
    [InlineData(LogicalIds.PostProcessorFunction,
        "TranscribeStack.Functions::TranscribeStack.Functions.PostProcessing.PostProcessorHandler::HandleAsync")]
    [InlineData(LogicalIds.JobPlannerFunction,
        "TranscribeStack.Functions::TranscribeStack.Functions.JobPlanning.JobPlannerHandler::HandleAsync")]
    public void Function_RunsOnManagedDotnet10Arm64(string function, string handler)
    {
        stacks["dev"].Only(function).HasResourceProperties(Function, new ObjectDict
        {
            ["Runtime"] = "dotnet10",
            ["Architectures"] = new[] { "arm64" },
            ["Handler"] = handler,
            ["TracingConfig"] = new ObjectDict { ["Mode"] = "Active" },
            ["KmsKeyArn"] = Cfn.Arn(LogicalIds.Key),
        });
    }

    [Theory]
    [InlineData("dev", 512, null)]
    [InlineData("staging", 1024, 20)]
    [InlineData("prod", 1024, 50)]
    public void PostProcessor_Sizing_FollowsTheEnvironment(string environment, int memorySizeMb, int? reservedConcurrency)
    {
        stacks[environment].Only(LogicalIds.PostProcessorFunction).HasResourceProperties(Function, new ObjectDict
        {
            ["MemorySize"] = memorySizeMb,
            ["Timeout"] = 60,
            ["ReservedConcurrentExecutions"] = reservedConcurrency is { } reserved ? (object)reserved : Match.Absent(),
        });
    }

    [Fact]
    public void PostProcessor_GetsTableAndLimitsThroughEnvironment()
    {
        stacks["dev"].Only(LogicalIds.PostProcessorFunction).HasResourceProperties(Function, new ObjectDict
        {
            ["Environment"] = new ObjectDict
            {
                ["Variables"] = new ObjectDict
                {
                    ["TABLE_NAME"] = Cfn.Ref(LogicalIds.Table),
                    ["MAX_TRANSCRIPT_BYTES"] = "268435456", // 256 MiB
                    ["LOW_CONFIDENCE_THRESHOLD"] = "0.5",
                    ["TOXICITY_THRESHOLD"] = "0.5",
                },
            },
        });
        stacks.Example.Only(LogicalIds.PostProcessorFunction).HasResourceProperties(Function, new ObjectDict
        {
            ["Environment"] = new ObjectDict { ["Variables"] = new ObjectDict { ["TOXICITY_THRESHOLD"] = "0.6" } },
        });
    }

    [Theory]
    [InlineData("dev", "transcribestack-dev-", "")]
    [InlineData("staging", "transcribestack-staging-", "redacted-")]
    [InlineData("prod", "transcribestack-prod-", "redacted-")]
    public void JobPlanner_NamesJobsWithTheEnvironmentPrefix(string environment, string jobNamePrefix, string transcriptFilePrefix)
    {
        // With PII redaction Transcribe names the transcript redacted-<job>.json.
        stacks[environment].Only(LogicalIds.JobPlannerFunction).HasResourceProperties(Function, new ObjectDict
        {
            ["Environment"] = new ObjectDict
            {
                ["Variables"] = new ObjectDict
                {
                    ["JOB_NAME_PREFIX"] = jobNamePrefix,
                    ["TRANSCRIPT_PREFIX"] = "transcripts/",
                    ["TRANSCRIPT_FILE_PREFIX"] = transcriptFilePrefix,
                },
            },
        });
    }

    [Theory]
    [InlineData("dev", "36000")]
    [InlineData("staging", "36000")]
    [InlineData("prod", "86400")]
    public void JobPlanner_PacesPollingWithTheWorkflowSettings(string environment, string giveUpSeconds)
    {
        stacks[environment].Only(LogicalIds.JobPlannerFunction).HasResourceProperties(Function, new ObjectDict
        {
            ["Environment"] = new ObjectDict
            {
                ["Variables"] = new ObjectDict
                {
                    ["POLL_MIN_INTERVAL_SECONDS"] = "60",
                    ["POLL_MAX_INTERVAL_SECONDS"] = "240",
                    ["POLL_GIVE_UP_AFTER_SECONDS"] = giveUpSeconds,
                    ["JOB_SECONDS_PER_AUDIO_SECOND"] = "0.5",
                },
            },
        });
    }

    [Theory]
    [InlineData(LogicalIds.PostProcessorFunction, LogicalIds.PostProcessorLogGroup)]
    [InlineData(LogicalIds.JobPlannerFunction, LogicalIds.JobPlannerLogGroup)]
    public void Function_LogsToItsOwnGroupAsJson(string function, string logGroup)
    {
        stacks["dev"].Only(function).HasResourceProperties(Function, new ObjectDict
        {
            ["LoggingConfig"] = new ObjectDict { ["LogGroup"] = Cfn.Ref(logGroup), ["LogFormat"] = "JSON" },
        });
    }
}
