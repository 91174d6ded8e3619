/**
 * The one database interface the rest of the code sees. Two adapters implement it:
 * a `pg` pool for a server (TimescaleDB or plain PostgreSQL) and embedded PGlite with
 * the TimescaleDB extension. Queries cast counts to int in SQL so both return numbers.
 */
export interface Queryable {
  query<R extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: R[] }>;
}

/** `timescale`: hypertables and continuous aggregates; `postgres`: the compatibility mode's shims. */
export type DbFlavor = 'timescale' | 'postgres';

/** One connection's worth of access: statements run in order on the same session. */
export interface Session extends Queryable {
  execRaw(sql: string): Promise<void>;
}

/** The embedded store thread's memory: PGlite's WASM linear memory (it grows, never shrinks) and that thread's V8 heap. */
export interface StoreMemory { wasmBytes: number; heapUsedBytes: number; heapTotalBytes: number }

export interface Db extends Queryable {
  readonly flavor: DbFlavor;
  readonly kind: 'embedded' | 'server';
  /** Runs fn in one transaction: committed when fn resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs one statement outside any transaction (some TimescaleDB DDL refuses transactions). */
  execRaw(sql: string): Promise<void>;
  /**
   * Runs fn on one session holding a cluster-wide advisory lock, so that several
   * instances starting together (e.g. migrating) take turns instead of colliding.
   */
  withLock<T>(key: number, fn: (s: Session) => Promise<T>): Promise<T>;
  /**
   * Waits until this process holds a cluster-wide advisory lock, held on a connection of its
   * own until released (or until the process dies and the server drops the session): how
   * exactly one instance runs a singleton job while others stand by.
   */
  holdLock(key: number): Promise<{ release(): Promise<void> }>;
  /** Bulk-loads CSV rows with COPY (bulk loads and the ingest benchmark's yardstick). */
  copyCsv(table: string, columns: readonly string[], csv: string): Promise<void>;
  close(): Promise<void>;
  /** The embedded store's own thread's memory (absent for a server, whose memory is not ours). */
  memory?(): Promise<StoreMemory>;
}
