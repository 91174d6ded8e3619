/** A real pipeline over a real store (embedded PGlite or native PostgreSQL) for integration tests. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPipeline, type Pipeline } from '@watchfloor/ingest/pipeline/pipeline';
import { phoneProtector } from '@watchfloor/ingest/pipeline/privacy';
import type { Db } from '@watchfloor/ingest/store/db';
import { migrate } from '@watchfloor/ingest/store/migrate';
import { openPg } from '@watchfloor/ingest/store/pg-db';
import { openPglite } from '@watchfloor/ingest/store/pglite-db';
import { createTempDatabase } from './postgres';
import { tongguan, tongguanGrids } from './region';

export type StoreKind = 'embedded' | 'postgres';
export const STORE_KINDS: StoreKind[] = ['embedded', 'postgres'];

export interface TestStore { db: Db; pipeline: Pipeline; letters: unknown[]; close(): Promise<void> }

export async function openTestStore(kind: StoreKind, label: string): Promise<TestStore> {
  let db: Db;
  let cleanup: () => Promise<void>;
  if (kind === 'embedded') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `wf-${label}-`));
    db = await openPglite(dir);
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  } else {
    const tmp = await createTempDatabase(label);
    db = await openPg(tmp.url, 'auto', 4);
    cleanup = tmp.drop;
  }
  await migrate(db, { tz: 'Asia/Shanghai' });
  const letters: unknown[] = [];
  const pipeline = createPipeline({
    db,
    ctx: { region: tongguan(), grids: tongguanGrids(), phones: phoneProtector('test-key-0123456789abcdef') },
    publishDeadLetters: async (l) => { letters.push(...l); },
    log: () => undefined,
  });
  return { db, pipeline, letters, async close() { await db.close(); await cleanup(); } };
}

export async function count(db: Db, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ n: number }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}
