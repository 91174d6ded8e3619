/**
 * `npm run user` against native PostgreSQL: a user added with the password on standard input
 * or in USER_PASSWORD (never echoed), with the role positional or as --role; bad input refused
 * before the store is touched; the added user signs in; revoke, role and disable are audited.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { loadSettings, REPO_ROOT } from '@watchfloor/config/settings';
import { signIn } from '@watchfloor/ingest/auth/accounts';
import type { Db } from '@watchfloor/ingest/store/db';
import { openStore } from '@watchfloor/ingest/store/open';
import { listAudit, verifyAudit } from '@watchfloor/ingest/store/audit';
import { findUser } from '@watchfloor/ingest/store/users';
import { createTempDatabase, type TempDatabase } from '../support/postgres';

describe('npm run user (native PostgreSQL)', () => {
  let temp: TempDatabase;
  let db: Db;
  let env: NodeJS.ProcessEnv;
  const policy = { perUser: { maxFailures: 5, lockSeconds: 60 }, perAddress: { maxFailures: 50, lockSeconds: 60 } };
  const run = (args: string[], input = '', extra: Record<string, string> = {}) =>
    spawnSync('npm', ['run', '--silent', 'user', '--', ...args], { cwd: REPO_ROOT, env: { ...env, ...extra }, input, encoding: 'utf8', timeout: 60_000 });

  before(async () => {
    temp = await createTempDatabase('usercli');
    // PORT 1: nothing answers there, so the command never mistakes a test server for its own.
    env = { ...process.env, DATABASE_URL: temp.url, DB_FLAVOR: 'postgres', PORT: '1' };
    db = await openStore(loadSettings({ DATABASE_URL: temp.url, DB_FLAVOR: 'postgres' }));
  });
  after(async () => {
    await db?.close();
    await temp?.drop();
  });

  test('add with the password on standard input, role positional; it signs in', async () => {
    const pw = 'stdin-Password-4411';
    const r = run(['add', '值班长', 'dispatcher'], `${pw}\n`);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /added 值班长 \(dispatcher\)/);
    assert.ok(!(r.stdout + r.stderr).includes(pw), 'the password is not echoed');
    const ok = await signIn(db, { username: '值班长', password: pw, ip: '127.0.0.1' }, policy);
    assert.equal(ok.ok && ok.user.role, 'dispatcher');
    const stored = await findUser(db, '值班长');
    assert.match(stored!.passwordHash, /^scrypt\$/);
    assert.ok(!stored!.passwordHash.includes(pw));
  });

  test('add with --role and USER_PASSWORD; a taken name, a bad role and a short password are refused', () => {
    const r = run(['add', 'ana', '--role', 'analyst'], '', { USER_PASSWORD: 'env-Password-7781' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(run(['add', 'ANA', '--role', 'analyst'], '', { USER_PASSWORD: 'env-Password-7781' }).status, 1, 'names are one whatever the case');
    const bad = run(['add', 'x2', '--role', 'boss'], 'whatever-password\n');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /role must be one of dispatcher, analyst, admin/);
    const short = run(['add', 'x3', 'admin'], 'short\n');
    assert.equal(short.status, 1);
    assert.match(short.stderr, /at least 10 characters/);
    assert.ok(!short.stderr.includes('short\n'));
    assert.equal(run(['frobnicate']).status, 2);
  });

  test('role, passwd, disable and revoke are audited as done by cli; the chain holds', async () => {
    assert.equal(run(['role', 'ana', 'admin']).status, 0);
    assert.equal(run(['passwd', 'ana'], 'new-Password-3390\n').status, 0);
    assert.equal(run(['revoke', 'ana']).status, 0);
    assert.equal(run(['disable', 'ana']).status, 0);
    const refused = await signIn(db, { username: 'ana', password: 'new-Password-3390', ip: '127.0.0.1' }, policy);
    assert.equal(refused.ok, false, 'a disabled user cannot sign in');
    assert.equal(run(['enable', 'ana']).status, 0);
    const back = await signIn(db, { username: 'ana', password: 'new-Password-3390', ip: '127.0.0.1' }, policy);
    assert.equal(back.ok && back.user.role, 'admin');
    const list = run(['list']);
    assert.match(list.stdout, /ana\tadmin/);
    const actions = (await listAudit(db, { from: null, to: null, actor: 'cli' })).map((e) => e.action).reverse();
    assert.deepEqual(actions, ['user.create', 'user.create', 'user.role', 'user.password', 'user.sessions_revoked', 'user.disable', 'user.enable']);
    const all = JSON.stringify(await listAudit(db, { from: null, to: null }));
    for (const pw of ['stdin-Password-4411', 'env-Password-7781', 'new-Password-3390']) assert.ok(!all.includes(pw));
    assert.equal((await verifyAudit(db)).ok, true);
  });
});
