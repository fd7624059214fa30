// cdk-nag check over the synthesized CloudFormation templates of every environment.
//
//   node tests/nag/check.mjs [template-root] [--verbose]
//
// template-root (default: $NAG_TEMPLATE_DIR, else <repo>/cdk.out) holds <env>/TranscribeStack-<env>.template.json
// for dev, staging and prod (written by scripts/synth-all.sh). Each template is loaded with aws-cdk-lib's
// CfnInclude into a fresh App + Stack, the cdk-nag 2.x rule packs run as Aspects, and the annotations they
// leave are reported. Acknowledgements come only from the template (the standard
// `Metadata.cdk_nag.rules_to_suppress` of each resource, written by cdk/Security/NagAcknowledgements.cs):
// this file has no suppression of its own.
//
// Exit code 1 when a template is missing, an environment has an unacknowledged error, or an acknowledgement
// is invalid (reason under 10 characters, ...). Warnings and stale acknowledgements are printed, not fatal.
// The core, runNag(template), is exported for tests/nag/check.test.mjs.
//
// A little over the ~400 lines a module here usually has: loading, running, matching acknowledgements
// (cdk-nag's own suppression rules, reproduced to report stale ones) and reporting are one check, and
// splitting them would spread cdk-nag's matching rules over files that make sense only together.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Aspects, DefaultStackSynthesizer, Stack } from 'aws-cdk-lib';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import {
  AwsSolutionsChecks,
  HIPAASecurityChecks,
  NIST80053R5Checks,
  PCIDSS321Checks,
  ServerlessChecks,
} from 'cdk-nag';

import { ENVIRONMENTS } from '../../testkit/templates.mjs';

export { ENVIRONMENTS };
export const RULE_PACKS = [AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks, ServerlessChecks];
export const MIN_REASON_LENGTH = 10;

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const INCLUDE_ID = 'Template';
// cdk-nag reports a rule that could not be evaluated under this id, with the rule's id as the finding.
const VALIDATION_FAILURE_ID = 'CdkNagValidationFailure';

export const templatePath = (root, environment) => join(root, environment, `TranscribeStack-${environment}.template.json`);

/**
 * Runs the rule packs over one CloudFormation template (an object).
 * Returns { findings, acknowledged, invalidAcknowledgements, staleAcknowledgements, errors, warnings, ok }:
 *   findings                 unacknowledged annotations: { level: 'error'|'warning', ruleId, findingId, logicalId, path, info, explanation }
 *   acknowledged             findings matched by an acknowledgement: { ruleId, findingId, logicalId, info, reason }
 *   invalidAcknowledgements  acknowledgements cdk-nag must not accept: { logicalId, ruleId, problem } (they fail the check)
 *   staleAcknowledgements    valid acknowledgements that matched no finding: { logicalId, ruleId, reason }
 *   ok                       no unacknowledged error and no invalid acknowledgement
 */
export function runNag(template, { stackName = 'NagCheck' } = {}) {
  const { template: cleaned, acknowledgements, invalid } = readAcknowledgements(template);
  for (let attempt = 1; ; attempt++) {
    const workdir = mkdtempSync(join(tmpdir(), 'nag-'));
    try {
      return synthesizeAndCollect({ cleaned, acknowledgements, invalid, stackName, workdir });
    } catch (error) {
      // scripts/env.sh points TMPDIR at the repository's .tmp/, which other scripts empty (clean_tmp) when
      // they finish; when that happens to this run's directory mid-synthesis, run once more.
      if (attempt > 1 || error?.code !== 'ENOENT' || existsSync(workdir)) throw error;
    } finally {
      rmSync(workdir, { recursive: true, force: true });
    }
  }
}

function synthesizeAndCollect({ cleaned, acknowledgements, invalid, stackName, workdir }) {
  // CfnInclude reads a file: write the (possibly in-memory) template next to the assembly.
  const templateFile = join(workdir, 'input.template.json');
  writeFileSync(templateFile, JSON.stringify(cleaned));
  const app = new App({ outdir: join(workdir, 'cdk.out'), analyticsReporting: false });
  const stack = new Stack(app, stackName, {
    synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
  });
  const include = new CfnInclude(stack, INCLUDE_ID, { templateFile });
  carryMetadata(include, cleaned);

  // Structured record of what each rule decided; the annotations remain the source of what is reported.
  const recorder = new RecordingLogger();
  for (const Pack of RULE_PACKS) {
    Aspects.of(app).add(new Pack({ verbose: true, reports: false, additionalLoggers: [recorder] }));
  }

  const assembly = app.synth();
  const messages = assembly.getStackArtifact(stack.artifactId).messages;

  const findings = [];
  for (const message of messages) {
    if (message.level !== 'error' && message.level !== 'warning') continue;
    findings.push(describeMessage(message, recorder));
  }
  findings.sort(byLevelRuleResource);

  const acknowledged = recorder.suppressed
    .map((s) => ({ ruleId: s.ruleId, findingId: s.findingId, logicalId: s.logicalId, info: s.info, reason: s.reason }))
    .sort((a, b) => a.ruleId.localeCompare(b.ruleId) || a.logicalId.localeCompare(b.logicalId) || a.findingId.localeCompare(b.findingId));
  const staleAcknowledgements = findStale(acknowledgements, recorder.suppressed);

  const errors = findings.filter((f) => f.level === 'error').length;
  const warnings = findings.length - errors;
  return {
    findings,
    acknowledged,
    invalidAcknowledgements: invalid,
    staleAcknowledgements,
    errors,
    warnings,
    ok: errors === 0 && invalid.length === 0,
  };
}

/**
 * Reads and validates the acknowledgements of every resource, as cdk-nag would, and returns a copy of the
 * template without the invalid ones (cdk-nag would otherwise throw and stop the whole run; without them
 * the findings they meant to cover are reported as unacknowledged, next to the invalid acknowledgement).
 */
export function readAcknowledgements(template) {
  const cleaned = structuredClone(template);
  const acknowledgements = [];
  const invalid = [];

  const stackLevel = cleaned.Metadata?.cdk_nag;
  if (stackLevel !== undefined) {
    // CfnInclude keeps the template's own Metadata section out of Stack.templateOptions, so cdk-nag would
    // silently ignore it; a stack-wide acknowledgement is also too broad. Refuse it.
    for (const rule of asArray(stackLevel?.rules_to_suppress)) {
      invalid.push({ logicalId: '(template Metadata)', ruleId: rule?.id ?? '?', problem: 'stack-level acknowledgement: acknowledge on the resource instead' });
    }
    if (!asArray(stackLevel?.rules_to_suppress).length) {
      invalid.push({ logicalId: '(template Metadata)', ruleId: '?', problem: 'stack-level cdk_nag metadata: acknowledge on the resource instead' });
    }
    delete cleaned.Metadata.cdk_nag;
  }

  for (const [logicalId, resource] of Object.entries(cleaned.Resources ?? {})) {
    const nag = resource?.Metadata?.cdk_nag;
    if (nag === undefined) continue;
    const rules = nag?.rules_to_suppress;
    if (!Array.isArray(rules)) {
      invalid.push({ logicalId, ruleId: '?', problem: 'cdk_nag metadata without a rules_to_suppress array' });
      delete resource.Metadata.cdk_nag;
      continue;
    }
    const kept = [];
    for (const rule of rules) {
      const problem = acknowledgementProblem(rule);
      if (problem) {
        invalid.push({ logicalId, ruleId: typeof rule?.id === 'string' ? rule.id : '?', problem });
        continue;
      }
      kept.push(rule);
      acknowledgements.push({ logicalId, ruleId: rule.id, reason: reasonOf(rule), appliesTo: rule.applies_to, index: acknowledgements.length });
    }
    resource.Metadata.cdk_nag = { ...nag, rules_to_suppress: kept };
  }
  return { template: cleaned, acknowledgements, invalid };
}

function acknowledgementProblem(rule) {
  if (rule === null || typeof rule !== 'object') return 'not an object { id, reason }';
  if (typeof rule.id !== 'string' || rule.id.trim() === '') return 'no rule id';
  if (/\[.*\]/.test(rule.id)) return "the id names a finding: use applies_to for findings";
  if (typeof rule.reason !== 'string') return 'no reason';
  const reason = reasonOf(rule);
  if (reason.trim().length < MIN_REASON_LENGTH) {
    return `reason shorter than ${MIN_REASON_LENGTH} characters: ${JSON.stringify(reason)}`;
  }
  if (rule.applies_to !== undefined) {
    if (!Array.isArray(rule.applies_to) || rule.applies_to.length === 0) return 'applies_to must be a non-empty array';
    for (const entry of rule.applies_to) {
      if (typeof entry === 'string') continue;
      const match = typeof entry?.regex === 'string' && entry.regex.match(/\/(.*)\/(.*)?/);
      if (!match) return `invalid applies_to entry ${JSON.stringify(entry)}`;
      try {
        new RegExp(match[1], match[2] || '');
      } catch {
        return `invalid applies_to regex ${entry.regex}`;
      }
    }
  }
  return '';
}

// cdk-nag stores reasons with characters above U+00FF base64-encoded, flagged is_reason_encoded.
const reasonOf = (rule) => (rule.is_reason_encoded ? Buffer.from(rule.reason, 'base64').toString() : rule.reason);

const asArray = (value) => (Array.isArray(value) ? value : []);

/**
 * cdk-nag reads acknowledgements with CfnResource.getMetadata('cdk_nag'). CfnInclude copies each resource's
 * template Metadata into cfnOptions.metadata, so this normally finds nothing to do; it makes sure of it and
 * copies the template's value onto the included resource should an aws-cdk-lib version stop doing so.
 */
export function carryMetadata(include, template) {
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    const expected = resource?.Metadata?.cdk_nag;
    if (expected === undefined) continue;
    const included = include.getResource(logicalId);
    if (JSON.stringify(included.getMetadata('cdk_nag')) !== JSON.stringify(expected)) {
      included.addMetadata('cdk_nag', structuredClone(expected));
    }
  }
}

/** An INagLogger (cdk-nag 2.x `additionalLoggers`) that records findings and the acknowledgements that matched. */
class RecordingLogger {
  constructor() {
    this.nonCompliant = new Map(); // `${path}\n${ruleId}\n${findingId}` -> { info, explanation }
    this.suppressed = [];
  }
  onCompliance() {}
  onNotApplicable() {}
  onNonCompliance(data) {
    this.nonCompliant.set(key(data.resource.node.path, data.ruleId, data.findingId ?? ''), {
      info: data.ruleInfo,
      explanation: data.ruleExplanation,
    });
  }
  onError(data) {
    this.nonCompliant.set(key(data.resource.node.path, VALIDATION_FAILURE_ID, data.ruleId), {
      info: `${data.ruleId} could not be evaluated`,
      explanation: data.errorMessage,
    });
  }
  onSuppressed(data) {
    this.suppressed.push({
      ruleId: data.ruleId,
      findingId: data.findingId ?? '',
      logicalId: logicalIdOf(data.resource.node.path),
      info: data.ruleInfo,
      reason: data.suppressionReason,
    });
  }
  onSuppressedError(data) {
    this.suppressed.push({
      ruleId: data.ruleId,
      findingId: '',
      logicalId: logicalIdOf(data.resource.node.path),
      info: `could not be evaluated: ${data.errorMessage}`,
      reason: data.errorSuppressionReason,
      validationFailure: true,
    });
  }
}

// Construct paths have no leading slash; the assembly's message ids do.
const key = (path, ruleId, findingId) => `${path.replace(/^\//, '')}\n${ruleId}\n${findingId}`;

// Paths are /<stack>/Template/<logicalId>[/...]: the included resources keep their template logical ids.
function logicalIdOf(path) {
  const parts = path.split('/').filter(Boolean);
  const at = parts.indexOf(INCLUDE_ID);
  return at >= 0 && parts[at + 1] ? parts[at + 1] : parts.at(-1);
}

// cdk-nag's annotation: `${ruleId}[${findingId}]: ${info} ${explanation}` or `${ruleId}: ...` (verbose).
function describeMessage(message, recorder) {
  const text = String(message.entry.data ?? '');
  const firstLine = text.split('\n')[0];
  const parsed = firstLine.match(/^([A-Za-z0-9.\-]+)(?:\[(.*)\])?: /) ?? firstLine.match(/^([A-Za-z0-9.\-]+)(?:\[(.*?)\])?:/);
  const ruleId = parsed?.[1] ?? '(cdk)';
  const findingId = parsed?.[2] ?? '';
  const recorded = parsed && recorder.nonCompliant.get(key(message.id, ruleId, findingId));
  return {
    level: message.level,
    ruleId,
    findingId,
    logicalId: logicalIdOf(message.id),
    path: message.id,
    info: recorded?.info ?? text.trim(),
    explanation: recorded?.explanation ?? '',
  };
}

const LEVEL_ORDER = { error: 0, warning: 1 };
function byLevelRuleResource(a, b) {
  return (
    LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.logicalId.localeCompare(b.logicalId) ||
    a.findingId.localeCompare(b.findingId)
  );
}

/**
 * An acknowledgement is stale when it matched no finding. Like cdk-nag, the first acknowledgement of a
 * resource that applies to a finding takes it, so a repeated acknowledgement shows up as stale too.
 */
function findStale(acknowledgements, suppressed) {
  const used = new Set();
  for (const s of suppressed) {
    const candidates = acknowledgements.filter((a) => a.logicalId === s.logicalId);
    const match = candidates.find((a) =>
      s.validationFailure
        ? (a.ruleId === s.ruleId && !a.appliesTo) || (a.ruleId === VALIDATION_FAILURE_ID && appliesTo(a, s.ruleId))
        : a.ruleId === s.ruleId && appliesTo(a, s.findingId),
    );
    if (match) used.add(match.index);
  }
  return acknowledgements
    .filter((a) => !used.has(a.index))
    .map((a) => {
      const earlier = acknowledgements.some((b) => b.index < a.index && b.logicalId === a.logicalId && b.ruleId === a.ruleId);
      return { logicalId: a.logicalId, ruleId: a.ruleId, reason: a.reason, duplicate: earlier };
    });
}

function appliesTo(acknowledgement, findingId) {
  if (!acknowledgement.appliesTo) return true;
  return acknowledgement.appliesTo.some((entry) => {
    if (typeof entry === 'string') return entry === findingId;
    const [, pattern, flags] = entry.regex.match(/\/(.*)\/(.*)?/);
    return new RegExp(pattern, flags || '').test(findingId);
  });
}

// ---------------------------------------------------------------------------------------------- CLI

/** Checks every environment under root; prints the report and returns the process exit code. */
export function checkAll(root, { environments = ENVIRONMENTS, verbose = false, log = console.log } = {}) {
  const started = Date.now();
  const results = [];
  for (const environment of environments) {
    const file = templatePath(root, environment);
    const shown = shownPath(file);
    log(`\n== ${environment}: ${shown}`);
    if (!existsSync(file)) {
      log(`  MISSING template ${shown} (run: bash scripts/synth-all.sh)`);
      results.push({ environment, missing: true });
      continue;
    }
    let result;
    try {
      result = runNag(JSON.parse(readFileSync(file, 'utf8')), { stackName: `TranscribeStack-${environment}` });
    } catch (error) {
      log(`  FAILED to check: ${error.stack ?? error}`);
      results.push({ environment, crashed: true });
      continue;
    }
    results.push({ environment, ...result });
    printEnvironment(result, { verbose, log });
  }

  printWarningSummary(results, log);

  const failures = results.flatMap((r) => {
    if (r.missing) return [`${r.environment}: template missing`];
    if (r.crashed) return [`${r.environment}: check crashed`];
    const parts = [];
    if (r.errors) parts.push(`${r.errors} unacknowledged error(s)`);
    if (r.invalidAcknowledgements.length) parts.push(`${r.invalidAcknowledgements.length} invalid acknowledgement(s)`);
    return parts.length ? [`${r.environment}: ${parts.join(', ')}`] : [];
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const counts = results
    .filter((r) => !r.missing && !r.crashed)
    .map((r) => `${r.environment} ${r.errors}E/${r.warnings}W/${r.acknowledged.length} ack`)
    .join(', ');
  log('');
  if (failures.length) {
    log(`cdk-nag: FAIL (${failures.join('; ')}) [${counts}] in ${seconds}s`);
    return 1;
  }
  log(`cdk-nag: PASS (no unacknowledged errors in ${environments.join(', ')}) [${counts}] in ${seconds}s`);
  return 0;
}

function printEnvironment(result, { verbose, log }) {
  const errors = result.findings.filter((f) => f.level === 'error');
  for (const f of errors) {
    log(`  ERROR ${f.ruleId}${f.findingId ? `[${f.findingId}]` : ''}  ${f.logicalId}  ${short(f.info)}`);
    if (verbose && f.explanation) log(`        ${f.explanation}`);
  }
  for (const a of result.invalidAcknowledgements) {
    log(`  INVALID acknowledgement ${a.ruleId} on ${a.logicalId}: ${a.problem}`);
  }
  log(
    `  ${result.errors} unacknowledged error(s), ${result.warnings} unacknowledged warning(s), ` +
      `${result.acknowledged.length} acknowledged finding(s)`,
  );
  if (verbose) {
    for (const a of result.acknowledged) {
      log(`  acknowledged ${a.ruleId}${a.findingId ? `[${a.findingId}]` : ''}  ${a.logicalId}  ${short(a.info)}`);
      log(`        reason: ${a.reason}`);
    }
  }
  for (const s of result.staleAcknowledgements) {
    const why = s.duplicate ? 'repeats an earlier acknowledgement of the same rule' : 'matched no finding';
    log(`  warning: stale acknowledgement ${s.ruleId} on ${s.logicalId} ${why}`);
  }
}

// Warnings do not fail the check; listed once, with the environments they occur in.
function printWarningSummary(results, log) {
  const grouped = new Map();
  for (const r of results) {
    for (const f of r.findings ?? []) {
      if (f.level !== 'warning') continue;
      const id = `${f.ruleId}${f.findingId ? `[${f.findingId}]` : ''}  ${f.logicalId}  ${short(f.info)}`;
      grouped.set(id, [...(grouped.get(id) ?? []), r.environment]);
    }
  }
  if (!grouped.size) return;
  log(`\n== warnings (do not fail the check)`);
  for (const [id, environments] of grouped) log(`  WARNING ${id}  (${environments.join(', ')})`);
}

// The rule's finding without the compliance framework's control ids (kept in the result objects).
const short = (info) => String(info).replace(/\s+-\s+\(Control IDs?:[^)]*(\([^)]*\)[^)]*)*\)\.?$/, '.').trim();

const shownPath = (file) => {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
};

function parseArguments(argv) {
  const options = { root: process.env.NAG_TEMPLATE_DIR || join(REPO_ROOT, 'cdk.out'), verbose: false };
  for (const argument of argv) {
    if (argument === '--verbose' || argument === '-v') options.verbose = true;
    else if (argument === '--help' || argument === '-h') options.help = true;
    else if (argument.startsWith('-')) throw new Error(`unknown option ${argument}`);
    else options.root = resolve(argument);
  }
  return options;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let options;
  try {
    options = parseArguments(process.argv.slice(2));
  } catch (error) {
    console.error(error.message);
    process.exit(2);
  }
  if (options.help) {
    console.log('usage: node tests/nag/check.mjs [template-root (default $NAG_TEMPLATE_DIR or cdk.out)] [--verbose]');
    process.exit(0);
  }
  process.exitCode = checkAll(options.root, { verbose: options.verbose });
}
