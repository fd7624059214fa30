// SECURITY.md's table "Roles: one per principal" is prose (what each role may do), so it is not generated; this test
// holds its rows to the templates all the same: for each service that assumes roles, the table has as many rows
// trusted by it as the dev template has roles trusted by it (the operators' optional role aside). A role added
// without a row, or a row left for a role that is gone, fails. Templates come from $JUDGE_CDK_OUT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, loadTemplate } from '../../testkit/templates.mjs';
import { defaultCdkOut } from '../judges/iam/simulate.mjs';

const HEADER = '| role | trusted by | what it may do |';

/** Rows of the roles table, by the first service principal named in their "trusted by" column. */
export function tableRowsByService(markdown) {
  const lines = markdown.split('\n');
  const start = lines.indexOf(HEADER);
  assert.ok(start >= 0, `SECURITY.md has no roles table (${HEADER})`);
  const counts = {};
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const trustedBy = line.split('|')[2] ?? '';
    // A row of a service that writes through a resource policy, not a role, says so in its first column.
    if (/no role/.test(line.split('|')[1])) continue;
    const service = trustedBy.match(/`([a-z0-9.-]+\.amazonaws\.com)`/)?.[1] ?? 'other';
    counts[service] = (counts[service] ?? 0) + 1;
  }
  return counts;
}

/** The template's roles, by the service principal their trust policy names (roles assumed by no service: 'other'). */
export function templateRolesByService(template) {
  const counts = {};
  for (const resource of Object.values(template.Resources).filter((r) => r.Type === 'AWS::IAM::Role')) {
    const services = resource.Properties.AssumeRolePolicyDocument.Statement.flatMap((s) => [s.Principal?.Service ?? []].flat());
    const service = services.length === 1 && typeof services[0] === 'string' ? services[0] : 'other';
    counts[service] = (counts[service] ?? 0) + 1;
  }
  return counts;
}

test('the roles table has a row for every role of the templates, by the service that assumes it', () => {
  const template = loadTemplate('dev', { cdkOut: defaultCdkOut() });
  const rows = tableRowsByService(readFileSync(join(ROOT, 'SECURITY.md'), 'utf8'));
  // The operators' role exists only with operators.assumedBy: its row is 'other' and the dev template has none.
  const { other = 0, ...services } = rows;
  assert.equal(other, 1, 'one row for the optional operators\' role');
  assert.deepEqual(services, templateRolesByService(template));
});

test('a role without its row fails', () => {
  const template = loadTemplate('dev', { cdkOut: defaultCdkOut() });
  const [id, role] = Object.entries(template.Resources).find(([, r]) => r.Type === 'AWS::IAM::Role');
  template.Resources[`${id}Copy`] = structuredClone(role);
  const { other, ...services } = tableRowsByService(readFileSync(join(ROOT, 'SECURITY.md'), 'utf8'));
  assert.notDeepEqual(services, templateRolesByService(template));
});
