// StartTranscriptionJob's documented request constraints, as Transcribe checks them before it
// accepts a job (BadRequestException with the message it would answer).

import { MediaFormat } from '@aws-sdk/client-transcribe';
// What Transcribe accepts as the C# settings record it (lists, limits, the members options are sent as): generated.
import facts from '../contracts/transcribe-facts.json' with { type: 'json' };

const { lists, limits } = facts;

/** The media formats StartTranscriptionJob accepts: the MediaFormat enum of Transcribe's service model. */
export const MEDIA_FORMATS = Object.values(MediaFormat);

/** The languages of batch PII redaction (pii-redaction-batch.html and the 1 May 2026 document history). */
export const REDACTION_LANGUAGES = lists.redactionLanguageCodes;

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
  if (Boolean(r.LanguageCode) === identifies || (r.IdentifyLanguage && r.IdentifyMultipleLanguages)) return 'Specify exactly one of LanguageCode, IdentifyLanguage or IdentifyMultipleLanguages.';
  if (r.LanguageOptions !== undefined && (!identifies || !Array.isArray(r.LanguageOptions) || r.LanguageOptions.length < limits.minLanguageOptions)) return `LanguageOptions needs IdentifyLanguage or IdentifyMultipleLanguages and at least ${limits.minLanguageOptions} language codes.`;
  if (r.LanguageIdSettings !== undefined) {
    const languages = Object.keys(r.LanguageIdSettings);
    if (!identifies || !r.LanguageOptions || languages.length > limits.maxLanguageIdSettings) return `LanguageIdSettings needs language identification with LanguageOptions, and at most ${limits.maxLanguageIdSettings} languages.`;
    if (r.IdentifyMultipleLanguages && Object.values(r.LanguageIdSettings).some((l) => l.LanguageModelName)) return 'Multi-language identification does not support custom language models.';
    if (Object.values(r.LanguageIdSettings).some((l) => l.VocabularyFilterName) && !r.Settings?.VocabularyFilterMethod) return 'VocabularyFilterName requires VocabularyFilterMethod.';
  }
  if (identifies && (r.Settings?.VocabularyName || r.Settings?.VocabularyFilterName || r.ModelSettings)) return 'With language identification, name vocabularies, filters and language models in LanguageIdSettings.';
  if (r.Settings?.VocabularyFilterName && !lists.filterMethods.includes(r.Settings.VocabularyFilterMethod)) return `VocabularyFilterName requires VocabularyFilterMethod ${lists.filterMethods.join(', ')}.`;
  if (r.OutputBucketName !== undefined && !/^[a-z0-9][.\-a-z0-9]{1,61}[a-z0-9]$/.test(r.OutputBucketName)) return `Value '${r.OutputBucketName}' at 'outputBucketName' failed to satisfy constraint`;
  if (r.OutputKey !== undefined && (r.OutputBucketName === undefined || !/^[a-zA-Z0-9\-_.!*'()/]{1,1024}$/.test(r.OutputKey))) return `Value '${r.OutputKey}' at 'outputKey' failed to satisfy constraint`;
  if (r.OutputEncryptionKMSKeyId !== undefined && r.OutputBucketName === undefined) return 'OutputEncryptionKMSKeyId requires OutputBucketName.';
  const member = invalidMember(r);
  if (member) return member;
  const s = r.Settings ?? {};
  if (s.ShowSpeakerLabels && s.ChannelIdentification) return 'You can\'t set both ShowSpeakerLabels and ChannelIdentification in the same request.';
  if (r.ContentRedaction) {
    const { RedactionType, RedactionOutput } = r.ContentRedaction;
    if (RedactionType !== 'PII' || !lists.redactionOutputs.includes(RedactionOutput)) return 'ContentRedaction failed to satisfy constraint.';
    if (!REDACTION_LANGUAGES.includes(r.LanguageCode)) return `Content redaction is supported only for ${REDACTION_LANGUAGES.join(', ')}, and not with language identification.`;
    if (r.ContentRedaction.PiiEntityTypes !== undefined && (!Array.isArray(r.ContentRedaction.PiiEntityTypes) || r.ContentRedaction.PiiEntityTypes.length === 0)) return 'PiiEntityTypes failed to satisfy constraint.';
  }
  if (r.ToxicityDetection !== undefined) {
    // toxicity.html: "only available for batch transcriptions in US English (en-US)"; ALL is the only category.
    if (!lists.toxicityLanguageCodes.includes(r.LanguageCode)) return `Toxicity detection is only available for batch transcriptions in ${lists.toxicityLanguageCodes.join(', ')}.`;
    if (JSON.stringify(r.ToxicityDetection) !== JSON.stringify([{ ToxicityCategories: ['ALL'] }])) return 'ToxicityCategories accepts only ALL.';
  }
  if (r.KMSEncryptionContext !== undefined && (r.OutputEncryptionKMSKeyId === undefined || Object.keys(r.KMSEncryptionContext).length > limits.maxKmsEncryptionContextPairs)) return `KMSEncryptionContext needs OutputEncryptionKMSKeyId and at most ${limits.maxKmsEncryptionContextPairs} pairs.`;
  if (r.Subtitles && !Array.isArray(r.Subtitles.Formats)) return 'Subtitles.Formats failed to satisfy constraint.';
  const execution = r.JobExecutionSettings;
  if (execution?.AllowDeferredExecution && !/^arn:aws:iam::[0-9]{12}:role\/[A-Za-z0-9:_/+=,@.-]{1,1024}$/.test(execution.DataAccessRoleArn ?? '')) return 'AllowDeferredExecution requires a DataAccessRoleArn.';
  if ((r.Tags ?? []).length > 200 || (r.Tags ?? []).some((t) => !t.Key || t.Key.length > 128 || (t.Value ?? '').length > 256)) return 'Tags failed to satisfy constraint.';
  return null;
}

/**
 * The first problem of a member that Transcribe's options are sent as (TranscribeSettings' [StartJobParameter],
 * listed in contracts/transcribe-facts.json): a value outside its list or range, or one sent without its companion.
 */
function invalidMember(r) {
  const at = (path) => path.split('.').reduce((o, k) => o?.[k], r);
  const sent = (path) => at(path) !== undefined && at(path) !== false;
  const last = (path) => path.split('.').at(-1);
  for (const { path, choicesFrom, minimum, maximum, sentWith } of facts.requestMembers) {
    if (sentWith !== undefined && sent(path) !== sent(sentWith)) return `${last(sentWith)} and ${last(path)} must be set together.`;
    const value = at(path);
    if (value === undefined) continue;
    const inRange = Number.isInteger(value) && value >= minimum && value <= maximum;
    if (minimum !== undefined && !inRange) return `${last(path)} must be between ${minimum} and ${maximum}.`;
    const values = Array.isArray(value) ? value : typeof value === 'object' ? Object.keys(value) : [value];
    const choices = choicesFrom && lists[choicesFrom];
    if (choices && values.some((v) => !choices.includes(v))) {
      return `Value '${values}' at '${path}' failed to satisfy constraint: Member must satisfy enum value set: [${choices}]`;
    }
  }
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
