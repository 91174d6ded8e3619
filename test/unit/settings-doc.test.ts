import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { SETTINGS_DOC, settingsTable, withSettingsTable } from '../../config/scripts/settings-doc';
import { REPO_ROOT, SettingsSchema } from '../../config/src/settings';

test('docs/operations.md holds the configuration reference generated from the settings schema', () => {
  const doc = fs.readFileSync(SETTINGS_DOC, 'utf8');
  assert.equal(doc, withSettingsTable(doc), 'run `npm run docs:settings` and commit docs/operations.md');
});

test('the reference lists every setting once, with its description and the default start-up applies', () => {
  const table = settingsTable();
  for (const name of Object.keys(SettingsSchema.shape)) {
    assert.equal(table.split('\n').filter((l) => l.startsWith(`| \`${name}\` |`)).length, 1, name);
  }
  assert.match(table, /^\| `PORT` \| `3000` \| /m);
  assert.match(table, /^\| `TRUST_PROXY` \| `0` \| /m);
  assert.match(table, /^\| `DATABASE_URL` \| — \| /m);
});

test('README points to the one configuration reference instead of keeping a copy', () => {
  const readme = fs.readFileSync(`${REPO_ROOT}/README.md`, 'utf8');
  assert.match(readme, /docs\/operations\.md#configuration-reference/);
  assert.doesNotMatch(readme, /^\| `INGEST_RATE_LIMIT`/m, 'no second settings table to drift');
});
