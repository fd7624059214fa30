// StartTranscriptionJob's documented request constraints, as Transcribe checks them before it
// accepts a job (BadRequestException with the message it would answer).

import { MediaFormat } from '@aws-sdk/client-transcribe';

/** The media formats StartTranscriptionJob accepts: the MediaFormat enum of Transcribe's service model. */
export const MEDIA_FORMATS = Object.values(MediaFormat);

/** A valid Transcribe job name. */
export const JOB_NAME = /^[0-9a-zA-Z._-]{1,200}$/;

/** The message Transcribe would answer to an invalid StartTranscriptionJob request, or null. */
export function invalidStartRequest(r) {
  const name = r.TranscriptionJobName;
  if (typeof name !== 'string' || !JOB_NAME.test(name)) return `1 validation error detected: Value '${name}' at 'transcriptionJobName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[0-9a-zA-Z._-]+`;
  const uri = r.Media?.MediaFileUri;
  if (typeof uri !== 'string' || uri.length > 2000 || !/^(s3:\/\/|https?:\/\/).+/s.test(uri)) return `Value '${uri}' at 'media.mediaFileUri' failed to satisfy constraint`;
  if (r.MediaFormat !== undefined && !MEDIA_FORMATS.includes(r.MediaFormat)) return `Value '${r.MediaFormat}' at 'mediaFormat' failed to satisfy constraint: Member must satisfy enum value set: [${MEDIA_FORMATS}]`;
  const identifies = Boolean(r.IdentifyLanguage) || Boolean(r.IdentifyMultipleLanguages);
  if (Boolean(r.LanguageCode) === identifies) return 'Specify exactly one of LanguageCode, IdentifyLanguage or IdentifyMultipleLanguages.';
  if (r.OutputBucketName !== undefined && !/^[a-z0-9][.\-a-z0-9]{1,61}[a-z0-9]$/.test(r.OutputBucketName)) return `Value '${r.OutputBucketName}' at 'outputBucketName' failed to satisfy constraint`;
  if (r.OutputKey !== undefined && (r.OutputBucketName === undefined || !/^[a-zA-Z0-9\-_.!*'()/]{1,1024}$/.test(r.OutputKey))) return `Value '${r.OutputKey}' at 'outputKey' failed to satisfy constraint`;
  if (r.OutputEncryptionKMSKeyId !== undefined && r.OutputBucketName === undefined) return 'OutputEncryptionKMSKeyId requires OutputBucketName.';
  const s = r.Settings ?? {};
  if (Boolean(s.ShowSpeakerLabels) !== (s.MaxSpeakerLabels !== undefined)) return 'ShowSpeakerLabels and MaxSpeakerLabels must be set together.';
  if (s.MaxSpeakerLabels !== undefined && !(s.MaxSpeakerLabels >= 2 && s.MaxSpeakerLabels <= 30)) return 'MaxSpeakerLabels must be between 2 and 30.';
  if (s.ShowSpeakerLabels && s.ChannelIdentification) return 'You can\'t set both ShowSpeakerLabels and ChannelIdentification in the same request.';
  if (r.ContentRedaction) {
    const { RedactionType, RedactionOutput } = r.ContentRedaction;
    if (RedactionType !== 'PII' || !['redacted', 'redacted_and_unredacted'].includes(RedactionOutput)) return 'ContentRedaction failed to satisfy constraint.';
    if (!['en-US', 'es-US'].includes(r.LanguageCode)) return 'Content redaction is supported only for en-US and es-US, and not with language identification.';
  }
  if (r.Subtitles && (!Array.isArray(r.Subtitles.Formats) || r.Subtitles.Formats.some((f) => !['vtt', 'srt'].includes(f)))) return 'Subtitles.Formats failed to satisfy constraint.';
  const execution = r.JobExecutionSettings;
  if (execution?.AllowDeferredExecution && !/^arn:aws:iam::[0-9]{12}:role\/[A-Za-z0-9:_/+=,@.-]{1,1024}$/.test(execution.DataAccessRoleArn ?? '')) return 'AllowDeferredExecution requires a DataAccessRoleArn.';
  if ((r.Tags ?? []).length > 200 || (r.Tags ?? []).some((t) => !t.Key || t.Key.length > 128 || (t.Value ?? '').length > 256)) return 'Tags failed to satisfy constraint.';
  return null;
}

/** The smallest valid StartTranscriptionJob request for job `name` (queued above the quota with `deferred`): the kit's self-tests use it. */
export function minimalStartRequest(name, { deferred = false } = {}) {
  return {
    TranscriptionJobName: name,
    Media: { MediaFileUri: `s3://raw/media/${name}.mp3` },
    MediaFormat: 'mp3',
    LanguageCode: 'en-US',
    OutputBucketName: 'transcripts-bucket',
    OutputKey: 'transcripts/',
    ...(deferred ? { JobExecutionSettings: { AllowDeferredExecution: true, DataAccessRoleArn: 'arn:aws:iam::123456789012:role/data' } } : {}),
  };
}
