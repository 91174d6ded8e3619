/**
 * The first admin at start: embedded without ADMIN_PASSWORD, a development admin whose
 * password is printed for as long as it stands; deployed without it, no user and a word on
 * how to make one; with it, that password and nothing printed. Created once only.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { DEV_ADMIN_PASSWORD, loadSettings } from '@watchfloor/config/settings';
import { bootstrapAccounts } from '@watchfloor/ingest/auth/bootstrap';
import { openStore } from '@watchfloor/ingest/store/open';
import { countUsers } from '@watchfloor/ingest/store/users';
import { hasPassword, updateUser } from '@watchfloor/ingest/auth/accounts';
import { createTempDatabase, type TempDatabase } from '../support/postgres';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-boot-'));
const temps: TempDatabase[] = [];
after(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const t of temps) await t.drop();
});

test('embedded default: a development admin, printed while its password stands', async () => {
  const s = loadSettings({ DATA_DIR: dir });
  const db = await openStore(s);
  try {
    const lines: string[] = [];
    await bootstrapAccounts(db, s, (l) => lines.push(l));
    assert.ok(lines.some((l) => l.includes('first admin created: admin')));
    assert.ok(lines.some((l) => l.includes(`development default in use: sign in as admin / ${DEV_ADMIN_PASSWORD}`)));
    assert.equal(await hasPassword(db, 'admin', DEV_ADMIN_PASSWORD), true);
    await updateUser(db, { name: 'test' }, 'admin', { password: 'a-Real-Password-0042' });
    const again: string[] = [];
    await bootstrapAccounts(db, s, (l) => again.push(l));
    assert.deepEqual(again, [], 'no second admin, and no development password to print');
    assert.equal(await countUsers(db), 1);
  } finally {
    await db.close();
  }
});

test('deployed: ADMIN_PASSWORD makes the first admin; without it, none and a hint', async () => {
  const t = await createTempDatabase('boot');
  temps.push(t);
  const without = loadSettings({ DATABASE_URL: t.url, DB_FLAVOR: 'postgres' });
  const db = await openStore(without);
  try {
    const lines: string[] = [];
    await bootstrapAccounts(db, without, (l) => lines.push(l));
    assert.equal(await countUsers(db), 0);
    assert.match(lines.join('\n'), /no user can sign in yet/);
    const withPw = loadSettings({ DATABASE_URL: t.url, DB_FLAVOR: 'postgres', ADMIN_USER: 'root-chief', ADMIN_PASSWORD: 'deploy-Secret-7781' });
    const out: string[] = [];
    await bootstrapAccounts(db, withPw, (l) => out.push(l));
    assert.equal(await hasPassword(db, 'root-chief', 'deploy-Secret-7781'), true);
    assert.ok(!out.join('\n').includes('deploy-Secret-7781'));
  } finally {
    await db.close();
  }
});
