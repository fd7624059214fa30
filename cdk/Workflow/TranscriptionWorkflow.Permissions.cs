namespace TranscribeStack.Cdk.Workflow;

/// <summary>Every statement of the workflow's role (the Transcribe caller) and of the data-access role.</summary>
public sealed partial class TranscriptionWorkflow
{
    private void GrantWorkflowRights(Stack stack)
    {
        // The caller's reading of Transcribe's access model: the role that calls StartTranscriptionJob
        // reads the media and passes the output write check as itself.
        props.Media.GrantReadMedia(role);
        props.Transcripts.GrantTranscribeOutput(role, props.Transcribe.KmsEncryptionContext);
        props.Metadata.GrantPutItem(role);
        props.Metadata.GrantUpdateItem(role, WaitingItemAttributes);
        if (DataAccessRole is not null)
        {
            // A queued job runs later as this role: media in, transcripts out, nothing else.
            props.Media.GrantReadMedia(DataAccessRole);
            props.Transcripts.GrantTranscribeOutput(DataAccessRole, props.Transcribe.KmsEncryptionContext);
            NagAcknowledgements.AcknowledgeInlinePolicy(DataAccessRole);
        }

        props.JobPlanner.GrantInvoke(role);
        props.PostProcessor.GrantInvoke(role);
        // Every end frees the upload's slot: start the admitter (its ARN from its fixed name).
        admitter.GrantStartExecution(role);

        // StartTranscriptionJob has no resource type: allowed on "*" only for output to this stack's
        // transcript bucket and prefix, encrypted with this stack's key, and with this stack's job tags.
        var jobTags = request.TagConditions();
        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "StartTranscriptionJobsIntoThisStacksOutput",
            Actions = ["transcribe:StartTranscriptionJob"],
            Resources = ["*"],
            Conditions = new Dictionary<string, object>
            {
                ["StringEquals"] = new Dictionary<string, object>(jobTags.RequestTags)
                {
                    ["transcribe:OutputBucketName"] = props.Transcripts.Bucket.BucketName,
                    ["transcribe:OutputKey"] = props.Transcripts.TranscriptPrefix,
                    ["transcribe:OutputEncryptionKMSKeyId"] = props.Context.Key.KeyArn,
                },
                ["ForAllValues:StringEquals"] = jobTags.TagKeys,
            },
        }));
        // Custom vocabularies, vocabulary filters and language models need nothing more: the Service
        // Authorization Reference gives StartTranscriptionJob no resource type and no dependent action
        // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazontranscribe.html),
        // so IAM neither checks nor can scope the names in the request. The vocabulary, vocabularyfilter
        // and languagemodel resource types belong to their own Get/Update/Delete actions, which the
        // workflow never calls: the role gets no right on them.
        // Tags on StartTranscriptionJob may be authorized as TagResource too. The Service Authorization
        // Reference gives TagResource no resource type, so it is granted on "*", limited to exactly
        // this stack's tag keys and values (aws:TagKeys, aws:RequestTag).
        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "TagJobsWithThisStacksTags",
            Actions = ["transcribe:TagResource"],
            Resources = ["*"],
            Conditions = new Dictionary<string, object>
            {
                ["StringEquals"] = jobTags.RequestTags,
                ["ForAllValues:StringEquals"] = jobTags.TagKeys,
            },
        }));
        // Reading a job is scoped to this stack's job names.
        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "ReadThisStacksTranscriptionJobs",
            Actions = ["transcribe:GetTranscriptionJob"],
            Resources = [TranscriptionJobArnPattern(stack, props.Context.JobNamePrefix)],
        }));

        if (DataAccessRole is not null)
        {
            // Passing the data-access role is what deferred execution needs, and only to Transcribe.
            role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
            {
                Sid = "PassTheDataAccessRoleToTranscribe",
                Actions = ["iam:PassRole"],
                Resources = [DataAccessRole.RoleArn],
                Conditions = new Dictionary<string, object>
                {
                    ["StringEquals"] = new Dictionary<string, object> { ["iam:PassedToService"] = "transcribe.amazonaws.com" },
                },
            }));
        }

        // The failure message: SendMessage only, and the key rights SQS needs to encrypt it, only for
        // SQS's calls for this queue (SQS's encryption context is the queue's ARN).
        EncryptedDeadLetterQueue.GrantSendMessage(FailureQueue, props.Context.Key, role);

        NagAcknowledgements.Acknowledge(
            NagAcknowledgements.DefaultPolicy(role),
            new NagAcknowledgement("AwsSolutions-IAM5",
                $"Wildcards only where AWS allows no narrower scope: {string.Join(", ", UnscopedActions.Reasons.Keys)} (see "
                + $"UnscopedActions), this stack's job-name prefix ({props.Context.JobNamePrefix}*), and the Lambda version qualifier "
                + "(function:*)."));
    }
}
