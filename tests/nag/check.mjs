// cdk-nag over the synthesized templates of the C# app (the NuGet cdk-nag package is not served).
// Each template is loaded with CfnInclude into a stack without the bootstrap-version rule, and the
// AwsSolutions, HIPAA Security, NIST 800-53 rev 5, PCI DSS 3.2.1 and Serverless packs run as Aspects.
// Acknowledgements come only from the template: the C# app writes the standard
// `cdk_nag.rules_to_suppress` metadata next to each resource (cdk/Security/NagAcknowledgements.cs).
// Exit code 1 when any environment has an unacknowledged error.
import { readFileSync, writeFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { App, Aspects, Stack, DefaultStackSynthesizer } from 'aws-cdk-lib';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';

export const ENVIRONMENTS = ['dev', 'staging', 'prod'];
const MIN_REASON = 10;

/** Runs every pack over one template; returns the findings and the acknowledgements it carries. */
export function checkTemplate(template) {
  const outdir = mkdtempSync(join(tmpdir(), 'nag-'));
  try {
    const app = new App({ outdir });
    const stack = new Stack(app, 'Checked', { synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }) });
    const templateFile = join(outdir, 'input.template.json');
    // CfnInclude reads a file; write the (possibly in-memory) template there.
    writeFileSync(templateFile, JSON.stringify(template));
    new CfnInclude(stack, 'Template', { templateFile });
    for (const pack of [AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks, ServerlessChecks]) {
      Aspects.of(app).add(new pack({ verbose: false }));
    }
    app.synth();

    const findings = [];
    for (const child of stack.node.findAll()) {
      for (const entry of child.node.metadata) {
        if (entry.type !== 'aws:cdk:error' && entry.type !== 'aws:cdk:warning') continue;
        const text = String(entry.data);
        const match = /^([A-Za-z0-9.\-]+?-[A-Za-z0-9]+)(\[[^\]]*\])?:\s*(.*)$/s.exec(text);
        findings.push({
          level: entry.type === 'aws:cdk:error' ? 'error' : 'warning',
          rule: match ? match[1] : text.split(':')[0],
          resource: child.node.id,
          text: (match ? match[3] : text).split('\n')[0].slice(0, 160),
        });
      }
    }
    return { findings, acknowledgements: acknowledgementsOf(template) };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Acknowledgements written in the template's metadata, by logical id. */
export function acknowledgementsOf(template) {
  const result = [];
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    for (const rule of resource.Metadata?.cdk_nag?.rules_to_suppress ?? []) {
      result.push({ logicalId, id: rule.id, reason: rule.reason ?? '' });
    }
  }
  return result;
}

/** The verdict for one template: unacknowledged errors, short reasons, stale acknowledgements. */
export function verdict(template) {
  const reasonless = acknowledgementsOf(template).filter((a) => a.reason.trim().length < MIN_REASON);
  if (reasonless.length > 0) {
    // cdk-nag refuses to run with such acknowledgements; report them instead of its stack trace.
    return { errors: [], warnings: [], acknowledgements: acknowledgementsOf(template), shortReasons: reasonless, ok: false };
  }
  const { findings, acknowledgements } = checkTemplate(template);
  const errors = findings.filter((f) => f.level === 'error');
  const warnings = findings.filter((f) => f.level === 'warning');
  const shortReasons = acknowledgements.filter((a) => a.reason.trim().length < MIN_REASON);
  return { errors, warnings, acknowledgements, shortReasons, ok: errors.length === 0 && shortReasons.length === 0 };
}

function main() {
  const root = process.argv[2] ?? 'cdk.out';
  let failed = false;
  for (const environment of ENVIRONMENTS) {
    const file = join(root, environment, `TranscribeStack-${environment}.template.json`);
    if (!existsSync(file)) {
      console.log(`FAIL ${environment}: ${file} not found (run scripts/synth-all.sh)`);
      failed = true;
      continue;
    }
    const result = verdict(JSON.parse(readFileSync(file, 'utf8')));
    for (const e of result.errors) console.log(`  error   ${environment} ${e.rule} ${e.resource}: ${e.text}`);
    for (const a of result.shortReasons) console.log(`  error   ${environment} acknowledgement of ${a.id} on ${a.logicalId} has no real reason`);
    const byRule = Object.entries(Object.groupBy(result.warnings, (w) => w.rule)).map(([rule, list]) => `${rule} x${list.length}`);
    if (byRule.length) console.log(`  warning ${environment} ${byRule.join(', ')}`);
    console.log(`${result.ok ? 'ok  ' : 'FAIL'} ${environment}: ${result.errors.length} unacknowledged errors, ${result.warnings.length} warnings, ${result.acknowledgements.length} acknowledgements`);
    failed ||= !result.ok;
  }
  console.log(failed ? 'cdk-nag: unacknowledged findings (see above)' : 'cdk-nag: no unacknowledged errors in any environment');
  process.exitCode = failed ? 1 : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
