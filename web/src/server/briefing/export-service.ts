/** The one exporter of this process (one browser, one export at a time), and the address it opens the pages on. */
import type { Socket } from 'node:net';
import type { Settings } from '@watchfloor/config/settings';
import { createExporter, type Exporter } from './exporter';

let exporter: Exporter | null = null;

export function briefingExporter(s: Settings): Exporter {
  exporter ??= createExporter(s.CHROMIUM_PATH);
  return exporter;
}

export async function closeBriefingExporter(): Promise<void> {
  const e = exporter;
  exporter = null;
  await e?.close();
}

/** This server as reached over the socket a request came in on (the listening address may be every interface). */
export function ownBaseUrl(socket: Pick<Socket, 'localAddress' | 'localPort'>): string {
  let host = (socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  if (host.includes(':')) host = `[${host}]`;
  return `http://${host}:${socket.localPort}`;
}

/** The same, for work with no request (the weekly archive): the loopback address of the port. */
export function loopbackBaseUrl(host: string, port: number): string {
  const h = host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${h}:${port}`;
}

/** The /briefing page's query for a period and region. */
export function exportQuery(from: Date, to: Date, townCode: string | null): URLSearchParams {
  const q = new URLSearchParams({ from: from.toISOString(), to: to.toISOString() });
  if (townCode) q.set('region', townCode);
  return q;
}
