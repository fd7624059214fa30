namespace TranscribeStack.Cdk.Tests.Workflow;

/// <summary>
/// prod with config/example.prod.json: the options reach StartTranscriptionJob, the IAM for them is
/// exactly what they need, and the key and roles match the output's KMS encryption context.
/// </summary>
[Collection(SynthesizedStacksCollection.Name)]
public sealed class TranscribeOptionsTemplateTests(SynthesizedStacks stacks)
{
    private const string TranscribeSourceArn = "arn:aws:transcribe:us-east-1:123456789012:*";

    private SynthesizedStack Example => stacks.Example;

    private StateMachineDefinition Definition => StateMachineDefinition.Of(Example);

    [Fact]
    public void StartJob_Example_AsksForExactlyTheExpectedRequest()
    {
        // config/example.prod.request.json is written once; tests/workflow/options.test.mjs executes the same request.
        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryFiles.Root, "config", "example.prod.request.json")))!;
        var options = Definition.Parameters(StateNames.Workflow.StartTranscriptionJob);
        foreach (var member in expected["alwaysSent"]!.AsArray().Select(m => m!.GetValue<string>()))
        {
            // A member read from the execution's state is named with ".$" in the definition.
            Assert.True(options.Remove(member) || options.Remove(member + ".$"), $"the request always has {member}");
        }

        Assert.True(JsonNode.DeepEquals(expected["options"], options),
            $"The request's options differ from config/example.prod.request.json:\n{options}");
    }

    [Fact]
    public void StartJob_Example_WritesUnderTheTranscriptPrefixAndMayBeQueued()
    {
        Definition.HasState(StateNames.Workflow.StartTranscriptionJob, new ObjectDict
        {
            ["Parameters"] = new ObjectDict
            {
                ["OutputKey"] = "transcripts/",
                ["JobExecutionSettings"] = new ObjectDict { ["AllowDeferredExecution"] = true },
            },
        });
    }

    [Fact]
    public void PostProcessor_IsHandedTheJobAsPolled()
    {
        // Real transcripts carry no language for a fixed-language job: the job description does.
        Definition.HasState(StateNames.Workflow.RecordTranscriptMetadata, new ObjectDict
        {
            ["Parameters"] = new ObjectDict { ["transcriptionJob.$"] = "$.transcription.job" },
        });
    }

    [Fact]
    public void Roles_NoEnvironment_GrantAnythingOnVocabulariesFiltersOrLanguageModels()
    {
        // StartTranscriptionJob has no resource type: the vocabularies, filters and models a job names
        // are not authorized by IAM, and the workflow needs none of their own actions.
        foreach (var stack in EnvironmentStacks())
        {
            foreach (var (owner, statement) in stack.AllIdentityStatements())
            {
                Assert.DoesNotContain(statement.Resources,
                    r => r.Contains(":vocabulary", StringComparison.Ordinal) || r.Contains(":language-model", StringComparison.Ordinal));
                Assert.All(statement.Actions.Where(a => a.StartsWith("transcribe:", StringComparison.Ordinal)), a =>
                    Assert.Contains(a,
                        new[]
                        {
                            "transcribe:StartTranscriptionJob", "transcribe:GetTranscriptionJob", "transcribe:TagResource",
                            "transcribe:ListTranscriptionJobs",
                        }));
                Assert.NotNull(owner);
            }
        }
    }

    [Fact]
    public void KeyPolicy_Example_TranscribeEncryptsOnlyWithTheContext()
    {
        var transcribe = Example.KeyPolicyStatements(LogicalIds.Key).Where(s => s.ServicePrincipals.Contains("transcribe.amazonaws.com"))
            .ToList();

        Assert.Equal(2, transcribe.Count);
        var decrypt = Assert.Single(transcribe, s => s.Actions.SequenceEqual(["kms:Decrypt"]));
        Assert.Null(decrypt.Condition("StringEquals", "kms:EncryptionContext:application"));
        var encrypt = Assert.Single(transcribe, s => s.Actions.SequenceEqual(["kms:Encrypt", "kms:GenerateDataKey"]));
        Assert.Equal("transcribestack", encrypt.Condition("StringEquals", "kms:EncryptionContext:application"));
        Assert.Equal("support-calls", encrypt.Condition("StringEquals", "kms:EncryptionContext:dataset"));
        Assert.Equal("123456789012", encrypt.Condition("StringEquals", "aws:SourceAccount"));
        Assert.Equal(TranscribeSourceArn, encrypt.Condition("ArnLike", "aws:SourceArn"));
    }

    [Theory]
    [InlineData(LogicalIds.WorkflowRole)]
    [InlineData(LogicalIds.DataAccessRole)]
    public void Roles_Example_TranscribesCallsOnlyWithTheContextS3sWithTheBucket(string role)
    {
        var kms = Example.RoleStatements(role).Where(s => s.Actions.Any(a => a.StartsWith("kms:", StringComparison.Ordinal))).ToList();

        // Encrypting through Transcribe only with the pairs (decrypting the media through it needs none).
        var encryptViaTranscribe = kms.Where(s => s.Condition("StringEquals", "kms:ViaService") == "transcribe.us-east-1.amazonaws.com"
            && s.Actions.Intersect(["kms:Encrypt", "kms:GenerateDataKey"]).Any()).ToList();
        var output = Assert.Single(encryptViaTranscribe);
        Assert.Equal("transcribestack", output.Condition("StringEquals", "kms:EncryptionContext:application"));
        Assert.Equal("support-calls", output.Condition("StringEquals", "kms:EncryptionContext:dataset"));
        // S3's calls (the write check, the transcript) keep S3's documented context only.
        var viaS3 = kms.Where(s => s.Condition("StringEquals", "kms:ViaService") == "s3.us-east-1.amazonaws.com").ToList();
        Assert.NotEmpty(viaS3);
        Assert.All(viaS3, s => Assert.Null(s.Condition("StringEquals", "kms:EncryptionContext:application")));
    }

    [Fact]
    public void Environments_WithoutAContext_KeepOneTranscribeKeyStatement()
    {
        foreach (var name in new[] { "dev", "staging", "prod" })
        {
            var statements = stacks[name].KeyPolicyStatements(LogicalIds.Key);

            Assert.Single(statements, s => s.ServicePrincipals.Contains("transcribe.amazonaws.com"));
            Assert.DoesNotContain(statements,
                s => s.Conditions?.ToJsonString().Contains("kms:EncryptionContext:application", StringComparison.Ordinal) == true);
        }
    }

    private IEnumerable<SynthesizedStack> EnvironmentStacks() => [stacks["dev"], stacks["staging"], stacks["prod"], stacks.Example];
}
