// EventBridge on the way in: the "Object Created" event S3 sends for an upload to the raw bucket,
// and whether the template's rules would deliver an event: the upload rule to the state machine, the
// completion rule ("Transcribe Job State Change") to the completion notifier, the execution-end rule
// ("Step Functions Execution Status Change") to the execution-end recorder.
import { createHash } from 'node:crypto';
import { ACCOUNT, REGION } from './templates.mjs';
import { describeWorkflow } from './workflow.mjs';
import { uuidOf } from './ids.mjs';

/** An EventBridge event of this account and Region: the envelope every service's event shares. */
export function eventBridgeEvent({ id, detailType, source, time, resources = [], detail }) {
  return { version: '0', id, 'detail-type': detailType, source, account: ACCOUNT, time, region: REGION, resources, detail };
}

/**
 * A realistic EventBridge "Object Created" event of the raw bucket (the key as S3 stores it, not
 * URL-encoded). `workflowOrTemplate`: what loadWorkflow() returns, or a template.
 */
export function uploadEvent(workflowOrTemplate, key, { versionId = 'kJ3QF2Wn.1mYgGZyJ8aHfq7rYw8Pt6D_', size = 480_000, eventId, bucket, etag } = {}) {
  const name = bucket ?? (workflowOrTemplate.rawBucket ?? describeWorkflow(workflowOrTemplate).rawBucket);
  const id = eventId ?? uuidOf(`event/${name}/${key}/${versionId}`);
  return eventBridgeEvent({
    id,
    detailType: 'Object Created',
    source: 'aws.s3',
    time: '2026-11-22T09:59:00Z',
    resources: [`arn:aws:s3:::${name}`],
    detail: {
      version: '0',
      bucket: { name },
      object: {
        key,
        size,
        etag: etag ?? createHash('md5').update(key).digest('hex'),
        ...(versionId === null ? {} : { 'version-id': versionId }),
        sequencer: '0062E99A88DC407460',
      },
      'request-id': 'N4N7GDK58NMKJ12R',
      requester: ACCOUNT,
      'source-ip-address': '203.0.113.15',
      reason: 'PutObject',
    },
  });
}

/** Whether the upload rule of the workflow would deliver this event (exact values, wildcard, prefix, suffix). */
export function ruleMatches(workflow, event) {
  return matches(workflow.eventPattern, event);
}

/** Whether the completion rule of the workflow would start the notifier for this Transcribe event. */
export function completionRuleMatches(workflow, event) {
  return matches(workflow.completionEventPattern, event);
}

/** Whether the execution-end rule of the workflow would start the recorder for this Step Functions event. */
export function executionEndRuleMatches(workflow, event) {
  return matches(workflow.executionEndEventPattern, event);
}

function matches(pattern, value) {
  return Object.entries(pattern).every(([field, expected]) => {
    const actual = value?.[field];
    if (!Array.isArray(expected)) return actual !== null && typeof actual === 'object' && matches(expected, actual);
    return expected.some((option) => {
      if (option === null || typeof option !== 'object') return actual === option;
      const [[operator, operand]] = Object.entries(option);
      switch (operator) {
        case 'wildcard': return typeof actual === 'string' && new RegExp(`^${operand.split('*').map(escapeRegExp).join('.*')}$`, 's').test(actual);
        case 'prefix': return typeof actual === 'string' && actual.startsWith(operand);
        case 'suffix': return typeof actual === 'string' && actual.endsWith(operand);
        default: throw new Error(`event pattern operator '${operator}' is not modelled`);
      }
    });
  });
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
