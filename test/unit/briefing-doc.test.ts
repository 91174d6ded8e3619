import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { API_DOC, briefingTable, describedFields, withBriefingTable } from '../../config/scripts/briefing-doc';
import { BRIEFING_DEFINITIONS } from '../../config/src/briefing';

test('docs/api.md holds the briefing reference generated from the schema’s definitions', () => {
  const doc = fs.readFileSync(API_DOC, 'utf8');
  assert.equal(doc, withBriefingTable(doc), 'run `npm run docs:briefing` and commit docs/api.md');
});

test('every figure the issue names has its definition, and every definition the pages show is documented', () => {
  const paths = new Map(describedFields());
  for (const p of ['calls.total', 'calls.byCategory', 'calls.byTown', 'calls.per10k.byTown', 'calls.previous.total', 'disputes.identified', 'disputes.resolved',
    'disputes.resolutionRate', 'disputes.resolvedAtLevel', 'disputes.overdue', 'dispatch.toDispatchS', 'dispatch.toArriveS', 'warnings.byRule', 'cameras.onlineRate.byTown']) {
    assert.ok(paths.get(p), `${p} is defined`);
  }
  const table = briefingTable();
  for (const [k, d] of Object.entries(BRIEFING_DEFINITIONS)) assert.ok(table.includes(d), `definition ${k} appears in docs/api.md`);
});
