/**
 * config/rules/*.json: validated with defaults, every field described, reloadable without
 * a restart (watchRules), and a broken edit never replaces the config in force.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import {
  DEFAULT_RULES_DIR, defaultRulesConfig, isCommentKey, loadRulesConfig, RULES_SECTION_NAMES, watchRules, type RulesConfig,
} from '@watchfloor/config/rules';

function tempCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-rules-'));
  for (const f of fs.readdirSync(DEFAULT_RULES_DIR)) fs.copyFileSync(path.join(DEFAULT_RULES_DIR, f), path.join(dir, f));
  return dir;
}

function edit(dir: string, file: string, change: (j: Record<string, unknown>) => void): void {
  const p = path.join(dir, file);
  const j = JSON.parse(fs.readFileSync(p, 'utf8')) as Record<string, unknown>;
  change(j);
  fs.writeFileSync(p, JSON.stringify(j, null, 2));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('the committed config has a file per section and matches the documented defaults', () => {
  const files = fs.readdirSync(DEFAULT_RULES_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
  assert.deepEqual(files, [...RULES_SECTION_NAMES].sort());
  const { calendar, ...committed } = loadRulesConfig();
  const { calendar: _c, ...defaults } = defaultRulesConfig();
  // The JSON and the schema defaults must not drift apart: a missing file means what the file says.
  assert.deepEqual(committed, defaults);
  assert.ok(calendar.holidays.length >= 7 && calendar.makeupWorkdays.length >= 1);
  assert.match(calendar.note, /配置，不是事实/);
});

test('every field of every committed file has a "// field" description', () => {
  const missing: string[] = [];
  // A field is described by its own "// field" key, or by its parent's description naming it
  // (e.g. "// yellow": "… ≥ max(minCount, ratio × 基线)" describes yellow.ratio and yellow.minCount).
  const walk = (o: Record<string, unknown>, where: string, parentDoc: string) => {
    for (const [k, v] of Object.entries(o)) {
      if (isCommentKey(k)) continue;
      const doc = o[`// ${k}`];
      if (typeof doc !== 'string' && !parentDoc.includes(k)) missing.push(`${where}.${k}`);
      // Rows of a list (holidays…) are described by the list's own comment.
      if (v && typeof v === 'object' && !Array.isArray(v)) walk(v as Record<string, unknown>, `${where}.${k}`, typeof doc === 'string' ? doc : '');
    }
  };
  for (const f of fs.readdirSync(DEFAULT_RULES_DIR).filter((x) => x.endsWith('.json'))) {
    walk(JSON.parse(fs.readFileSync(path.join(DEFAULT_RULES_DIR, f), 'utf8')), f, '');
  }
  assert.deepEqual(missing, []);
});

test('mistakes fail loudly with the file named; a missing file means defaults', () => {
  const dir = tempCopy();
  try {
    edit(dir, 'grid_surge.json', (j) => { (j.hour as Record<string, unknown>).yelow = { ratio: 3, minCount: 4 }; });
    assert.throws(() => loadRulesConfig(dir), /grid_surge\.json.*yelow/);
    fs.copyFileSync(path.join(DEFAULT_RULES_DIR, 'grid_surge.json'), path.join(dir, 'grid_surge.json'));
    edit(dir, 'grid_surge.json', (j) => { (j.hour as Record<string, Record<string, number>>).clear!.ratio = 4; });
    assert.throws(() => loadRulesConfig(dir), /grid_surge\.json.*hysteresis/);
    fs.copyFileSync(path.join(DEFAULT_RULES_DIR, 'grid_surge.json'), path.join(dir, 'grid_surge.json'));
    edit(dir, 'camera_online.json', (j) => { j.redBelow = 0.99; });
    assert.throws(() => loadRulesConfig(dir), /camera_online\.json/);
    fs.copyFileSync(path.join(DEFAULT_RULES_DIR, 'camera_online.json'), path.join(dir, 'camera_online.json'));
    fs.writeFileSync(path.join(dir, 'grid-surge.json'), '{}');
    assert.throws(() => loadRulesConfig(dir), /grid-surge\.json: unknown file/);
    fs.rmSync(path.join(dir, 'grid-surge.json'));
    fs.rmSync(path.join(dir, 'dispatch_delay.json'));
    assert.deepEqual(loadRulesConfig(dir).dispatch_delay, defaultRulesConfig().dispatch_delay);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('watchRules reloads on a change, once per burst of writes, and keeps the old config on a broken edit', async () => {
  const dir = tempCopy();
  const seen: RulesConfig[] = [];
  const errors: Error[] = [];
  const w = watchRules(dir, (c) => seen.push(c), { debounceMs: 80, onError: (e) => errors.push(e) });
  try {
    assert.equal(w.current().grid_surge.hour.red.minCount, 6);
    // An editor's save: several writes in quick succession.
    for (const n of [7, 8, 9]) {
      edit(dir, 'grid_surge.json', (j) => { (j.hour as Record<string, Record<string, number>>).red!.minCount = n; });
      await sleep(10);
    }
    for (let i = 0; i < 100 && seen.length === 0; i++) await sleep(20);
    await sleep(200);
    assert.equal(seen.length, 1, 'one reload for the burst');
    assert.equal(seen[0]!.grid_surge.hour.red.minCount, 9);
    assert.equal(w.current().grid_surge.hour.red.minCount, 9);

    // Broken JSON: reported, the config in force stays.
    fs.writeFileSync(path.join(dir, 'grid_surge.json'), '{ "enabled": tru');
    for (let i = 0; i < 100 && errors.length === 0; i++) await sleep(20);
    assert.match(errors[0]!.message, /grid_surge\.json/);
    assert.equal(seen.length, 1);
    assert.equal(w.current().grid_surge.hour.red.minCount, 9);

    // Editing only a description is no change to the rules.
    fs.copyFileSync(path.join(DEFAULT_RULES_DIR, 'grid_surge.json'), path.join(dir, 'grid_surge.json'));
    for (let i = 0; i < 100 && seen.length === 1; i++) await sleep(20);
    assert.equal(seen.length, 2);
    assert.equal(seen[1]!.grid_surge.hour.red.minCount, 6);
    edit(dir, 'grid_surge.json', (j) => { j['// enabled'] = '改过的说明'; });
    await sleep(400);
    assert.equal(seen.length, 2);
  } finally {
    w.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
