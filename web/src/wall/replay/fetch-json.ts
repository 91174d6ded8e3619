'use client';
/** GET a JSON body from our own API with the wall token, reporting how much of it has arrived (0–1, or null when the size is unknown). */
export async function fetchJson<T>(url: string, token: string, signal: AbortSignal, onProgress?: (p: number | null) => void): Promise<T> {
  // The token goes in a header, never the URL: URLs end up in logs and caches.
  const r = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal });
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
  if (!r.body || !onProgress) return (await r.json()) as T;
  const total = Number(r.headers.get('content-length')) || null;
  const reader = r.body.getReader();
  const parts: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    received += value.length;
    onProgress(total ? Math.min(1, received / total) : null);
  }
  const all = new Uint8Array(received);
  let o = 0;
  for (const p of parts) { all.set(p, o); o += p.length; }
  return JSON.parse(new TextDecoder().decode(all)) as T;
}
