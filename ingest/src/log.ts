/**
 * The one logger of every process (web, ingest): pino, JSON lines on stdout. Every line goes
 * through `redactPhones` on its way out, whatever field a number hid in (a message, an error's
 * text, a URL), so no caller phone reaches the logs. Request bodies are never logged.
 */
import pino, { type Logger } from 'pino';
import type { Settings } from '@watchfloor/config/settings';
import { redactPhones } from './pipeline/redact';

export type { Logger } from 'pino';

/** Each serialised line, masked on its way to `out`: the last point every log line passes. */
function redacting(out: { write(line: string): unknown }) {
  return { write: (line: string) => { out.write(redactPhones(line)); } };
}

export function createLogger(opts: { level?: Settings['LOG_LEVEL']; name?: string; destination?: { write(line: string): unknown } } = {}): Logger {
  return pino({
    level: opts.level ?? 'info',
    name: opts.name,
    timestamp: pino.stdTimeFunctions.isoTime,
    base: { pid: process.pid },
    // Requests are described by method, route and status only: URLs may carry `?token=`.
    serializers: { req: () => undefined, res: () => undefined, err: pino.stdSerializers.err },
  }, redacting(opts.destination ?? process.stdout));
}

/** Lines that say something went wrong: logged as warnings so an operator can filter on level. */
const TROUBLE = /\b(fail(ed|s|ure)?|error|refused|rejected|dead-lettered|cannot|invalid)\b/i;

/**
 * The `log(line)` callbacks the modules take, backed by the logger. The line stays the message
 * as written (operators and tests search for "[web] pages ready"); its `[component]` becomes
 * a field too, so the JSON can be filtered without touching every caller.
 */
export function lineLog(logger: Logger): (line: string) => void {
  return (line: string) => {
    const m = /^\[([\w.-]+)\]\s*(.*)$/s.exec(line);
    const fields = m ? { component: m[1] } : {};
    if (TROUBLE.test(m ? m[2]! : line)) logger.warn(fields, line);
    else logger.info(fields, line);
  };
}
