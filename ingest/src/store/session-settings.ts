/**
 * Settings every store session runs with, the server pool's and the embedded one's alike.
 *
 * work_mem: the briefing's response times are exact percentiles (queries/response-times.ts),
 * so a quarter sorts every one of its incidents (≈ 250,000 in a county's year of 1 M calls)
 * once per interval and grouping; at PostgreSQL's default 4 MB those sorts spilled ~70 MB to
 * disk and took a third longer. 32 MB holds them in memory; it is a per-sort ceiling, taken
 * only by the statements that need it.
 */
export const SESSION_SETTINGS = { work_mem: '32MB' } as const;

/** As the `options` startup parameter of a server connection (`-c name=value …`). */
export const sessionOptions = (): string => Object.entries(SESSION_SETTINGS).map(([k, v]) => `-c ${k}=${v}`).join(' ');

/** As statements, for a session already open (the embedded store). */
export const sessionSetSql = (): string => Object.entries(SESSION_SETTINGS).map(([k, v]) => `SET ${k} = '${v}';`).join(' ');
