// Checks that two synthesized templates are the same document: the tests' (cdk.out/<env>/, synthesized in-process
// by tests/TranscribeStack.Cdk.Tests with asset bundling skipped) and the CDK CLI's (`cdk synth`, publishing the
// functions), so that what the judges read is what `cdk synth` writes. The one difference allowed: the asset
// metadata's path (aws:asset:path), the staged folder for the CLI and the project folder where bundling is skipped.
//   node scripts/same-template.mjs <template> <template>
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';

const withoutAssetPaths = (template) => {
  for (const resource of Object.values(template.Resources ?? {})) delete resource.Metadata?.['aws:asset:path'];
  return template;
};
const [a, b] = process.argv.slice(2).map((file) => ({ file, template: withoutAssetPaths(JSON.parse(readFileSync(file, 'utf8'))) }));
const sections = new Set([...Object.keys(a.template), ...Object.keys(b.template)]);
const differences = [...sections].flatMap((section) => {
  const [x = {}, y = {}] = [a.template[section], b.template[section]];
  if (typeof x !== 'object' || typeof y !== 'object') return isDeepStrictEqual(x, y) ? [] : [section];
  return [...new Set([...Object.keys(x), ...Object.keys(y)])].filter((k) => !isDeepStrictEqual(x[k], y[k])).map((k) => `${section}.${k}`);
});
if (differences.length > 0) {
  console.error(`${a.file} and ${b.file} differ in ${differences.length} place(s): ${differences.slice(0, 20).join(', ')}`);
  process.exit(1);
}
console.log(`${a.file} = ${b.file}`);
