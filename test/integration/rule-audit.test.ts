/**
 * Rule changes in the audit trail, on the real embedded server: a rule file edited on disk and
 * reloaded is appended as `rule.change` (actor config-file, target the file, SHA-256 of its
 * bytes before and after); a broken edit, refused while the rules in force stay, as
 * `rule.change_refused`, once for the same bytes. Then `GET /api/audit`'s filters (from, to,
 * actor, action, target) each narrow the list as they say, and the chain verifies.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { rulesDirWith } from '../support/rules-dir';
import { startServer, type RunningServer } from '../support/server';
import { waitFor } from '../support/wait';

const ADMIN = 'rule-audit-admin-token';
const FILE = 'grid_surge.json';

interface Entry { seq: number; at: string; actor: string; action: string; target: string | null; details: Record<string, unknown> }

describe('rule changes in the audit trail (embedded)', () => {
  let server: RunningServer;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-ruleaudit-'));
  const rulesDir = rulesDirWith({ engine: { reorderSeconds: 1 } });
  const file = path.join(rulesDir, FILE);
  const sha = (b: string | Buffer) => crypto.createHash('sha256').update(b).digest('hex');
  const audit = async (q = ''): Promise<Entry[]> => {
    const r = await fetch(`${server.url}/api/audit${q}`, { headers: { authorization: `Bearer ${ADMIN}` } });
    assert.equal(r.status, 200, await r.clone().text());
    return (await r.json()) as Entry[];
  };
  const ruleEntries = async () => (await audit()).filter((e) => e.action.startsWith('rule.'));
  /** The file with one threshold changed (parsed and written as an editor would save it). */
  const withYellowMin = (n: number) => {
    const j = JSON.parse(fs.readFileSync(file, 'utf8')) as { hour: { yellow: { minCount: number } } };
    j.hour.yellow.minCount = n;
    return JSON.stringify(j, null, 2);
  };

  before(async () => {
    server = await startServer({ DATA_DIR: dataDir, SIMULATE: '0', ADMIN_TOKEN: ADMIN, RULES_DIR: rulesDir, ADMIN_USER: 'chief', ADMIN_PASSWORD: 'chief-password-1' });
    await waitFor('the rules running', async () => server.output(), (o) => o.includes('[rules] rebuilt'), 60_000, 200);
  });
  after(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(rulesDir, { recursive: true, force: true });
  });

  test('an applied edit, a refused one (once), and the next good one: each with the hashes of its bytes', async () => {
    const original = fs.readFileSync(file);
    const good = withYellowMin(5);
    fs.writeFileSync(file, good);
    const [applied] = await waitFor('rule.change', ruleEntries, (es) => es.length >= 1, 20_000, 200);
    assert.equal(applied!.action, 'rule.change');
    assert.equal(applied!.actor, 'config-file');
    assert.equal(applied!.target, FILE);
    assert.deepEqual(applied!.details, { sha256Before: sha(original), sha256After: sha(good) });

    const broken = `${good.slice(0, -10)} ,,,`;
    fs.writeFileSync(file, broken);
    const refused = await waitFor('rule.change_refused', ruleEntries, (es) => es.length >= 2, 20_000, 200);
    assert.equal(refused[0]!.action, 'rule.change_refused');
    assert.equal(refused[0]!.target, FILE);
    assert.deepEqual(refused[0]!.details, { sha256Before: sha(good), sha256After: sha(broken) });
    // Touched again with the same broken bytes: no second entry.
    fs.writeFileSync(file, broken);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await ruleEntries()).length, 2, 'the same refused bytes are audited once');
    assert.match(server.output(), /config not reloaded, previous one stays/);

    const fixed = JSON.stringify({ ...(JSON.parse(good) as object), quietMinutes: 45 }, null, 2);
    fs.writeFileSync(file, fixed);
    const all = await waitFor('the next rule.change', ruleEntries, (es) => es.length >= 3, 20_000, 200);
    assert.equal(all[0]!.action, 'rule.change');
    assert.deepEqual(all[0]!.details, { sha256Before: sha(good), sha256After: sha(fixed) }, 'before = the bytes in force, not the refused ones');
  });

  test('GET /api/audit filters: from (inclusive), to (exclusive), actor, action, target; the chain verifies', async () => {
    const every = await audit();
    const rules = every.filter((e) => e.action.startsWith('rule.'));
    assert.ok(rules.length >= 3 && every.length > rules.length, 'the bootstrap admin\'s user.create is there too');
    const refused = rules.find((e) => e.action === 'rule.change_refused')!;

    assert.deepEqual((await audit('?actor=config-file')).map((e) => e.seq), rules.map((e) => e.seq));
    assert.deepEqual((await audit('?action=rule.change_refused')).map((e) => e.seq), [refused.seq]);
    assert.deepEqual((await audit(`?target=${FILE}&action=rule.change`)).map((e) => e.seq), rules.filter((e) => e.action === 'rule.change').map((e) => e.seq));
    assert.deepEqual(await audit('?target=no-such-file.json'), []);
    const since = await audit(`?from=${encodeURIComponent(refused.at)}`);
    assert.ok(since.every((e) => Date.parse(e.at) >= Date.parse(refused.at)) && since.some((e) => e.seq === refused.seq), 'from is inclusive');
    const until = await audit(`?to=${encodeURIComponent(refused.at)}`);
    assert.ok(until.length > 0 && until.every((e) => Date.parse(e.at) < Date.parse(refused.at)), 'to is exclusive');
    assert.equal((await audit('?limit=1')).length, 1);
    assert.equal((await fetch(`${server.url}/api/audit?action=no.such`, { headers: { authorization: `Bearer ${ADMIN}` } })).status, 400);
    assert.equal((await fetch(`${server.url}/api/audit?from=yesterday`, { headers: { authorization: `Bearer ${ADMIN}` } })).status, 400);

    const v = (await (await fetch(`${server.url}/api/audit/verify`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as { ok: boolean; entries: number };
    assert.equal(v.ok, true);
    assert.equal(v.entries, every.length);
  });
});
