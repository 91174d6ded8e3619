/**
 * Messages between the embedded store's adapter (pglite-db.ts, on the caller's thread) and
 * the worker thread that owns the PGlite instance (pglite-worker.ts). Everything crosses by
 * structured clone: Date, BigInt and Uint8Array survive it (a Buffer arrives as a
 * Uint8Array, which PGlite's bytea serializer accepts); errors do not keep their fields, so
 * they cross as plain data and are rebuilt on the caller's side.
 */

import type { StoreMemory } from './db';

export interface WorkerInit { dataDir: string | null }

/** `tx` names the transaction a statement belongs to (null: none); the worker refuses a mismatch. */
export type Request =
  | { id: number; op: 'query'; tx: number | null; sql: string; params: unknown[] | undefined }
  | { id: number; op: 'exec'; tx: number | null; sql: string }
  | { id: number; op: 'copy'; tx: null; sql: string; csv: string }
  | { id: number; op: 'begin' | 'commit' | 'rollback'; tx: number }
  | { id: number; op: 'close' }
  /** Not queued behind the statements waiting their turn (a statement running synchronously still runs first): for /metrics and the soak. */
  | { id: number; op: 'memory' };

/** The fields PostgreSQL reports with an error (pg-protocol's DatabaseError), all optional. */
export const PG_ERROR_FIELDS = [
  'severity', 'code', 'detail', 'hint', 'position', 'internalPosition', 'internalQuery', 'where',
  'schema', 'table', 'column', 'dataType', 'constraint', 'file', 'line', 'routine',
] as const;
export type PgErrorField = (typeof PG_ERROR_FIELDS)[number];

export interface WireError { name: string; message: string; stack?: string; fields: Partial<Record<PgErrorField, string>> }

export type Reply =
  | { kind: 'ready' }
  | { kind: 'failed'; error: WireError }
  | { kind: 'result'; id: number; rows: unknown[] }
  | { kind: 'memory'; id: number; memory: StoreMemory }
  | { kind: 'error'; id: number; error: WireError };

/** A thrown non-Error (the WASM side throws plain objects) as text that says something, not "[object Object]". */
function describeThrown(v: unknown): string {
  if (typeof v !== 'object' || v === null) return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

export function toWireError(err: unknown): WireError {
  if (!(err instanceof Error)) return { name: 'Error', message: describeThrown(err), fields: {} };
  const fields: WireError['fields'] = {};
  const rec = err as Error & Partial<Record<PgErrorField, unknown>>;
  for (const f of PG_ERROR_FIELDS) {
    const v = rec[f];
    if (typeof v === 'string' || typeof v === 'number') fields[f] = String(v);
  }
  return { name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}), fields };
}

/** An error the embedded store reported, with PostgreSQL's fields (code, detail…) when it had them. */
export class EmbeddedStoreError extends Error {
  severity?: string; code?: string; detail?: string; hint?: string; position?: string; internalPosition?: string;
  internalQuery?: string; where?: string; schema?: string; table?: string; column?: string; dataType?: string;
  constraint?: string; file?: string; line?: string; routine?: string;

  constructor(w: WireError) {
    super(w.message);
    this.name = w.name === 'error' || w.name === 'Error' ? 'EmbeddedStoreError' : w.name;
    Object.assign(this, w.fields);
    // The caller's stack says who asked; the worker's says where PostgreSQL refused.
    if (w.stack) this.stack = `${this.stack ?? ''}\n    --- in the store worker ---\n${w.stack.split('\n').slice(1).join('\n')}`;
  }
}
