'use client';
/**
 * The audit trail (GET /api/audit with its filters) as a plain table, and the chain's
 * verification (GET /api/audit/verify). Without a session, on to /login; a signed-in person
 * who is not an admin is told so (the API answers them 403 anyway).
 */
import '../wall/zod-jitless';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { z } from 'zod';
import { AuditAction, AuditEntry, SessionView } from '@watchfloor/config/auth';
import { strings } from '@watchfloor/config/strings';

const t = strings.audit;
const Verdict = z.union([
  z.object({ ok: z.literal(true), entries: z.number(), head: z.string() }),
  z.object({ ok: z.literal(false), entries: z.number(), brokenAt: z.number(), reason: z.string() }),
]);
type Verdict = z.infer<typeof Verdict>;

const panel = { padding: 24, background: '#0b1d42', border: '1px solid #1f3b73', borderRadius: 6 } as const;
const field = { display: 'block', margin: '4px 0 0', padding: '6px 8px', fontSize: 14, background: '#06122b', color: '#dbe7ff', border: '1px solid #2a4a85', borderRadius: 4 } as const;
const cell = { padding: '6px 10px', borderBottom: '1px solid #1f3b73', textAlign: 'left', fontWeight: 400 } as const;

/** A datetime-local value (the browser's zone) as the API's ISO time; empty stays empty. */
const isoOf = (v: FormDataEntryValue | null) => (typeof v === 'string' && v ? new Date(v).toISOString() : '');

export default function AuditViewer({ tz }: { tz: string }) {
  const [role, setRole] = useState<string | null>(null);
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async (q: URLSearchParams) => {
    setError(null);
    try {
      const [list, check] = await Promise.all([
        fetch(`/api/audit?${q.toString()}`, { credentials: 'same-origin' }),
        fetch('/api/audit/verify', { credentials: 'same-origin' }),
      ]);
      if (!list.ok || !check.ok) throw new Error(String(list.status));
      setEntries(z.array(AuditEntry).parse(await list.json()));
      setVerdict(Verdict.parse(await check.json()));
    } catch {
      setError(t.failed);
    }
  }, []);

  useEffect(() => {
    void (async () => {
      const r = await fetch('/api/session', { credentials: 'same-origin' });
      if (!r.ok) {
        window.location.assign('/login');
        return;
      }
      const s = SessionView.parse(await r.json());
      setRole(s.user.role);
      if (s.user.role === 'admin') await load(new URLSearchParams({ limit: '500' }));
    })();
  }, [load]);

  function search(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const q = new URLSearchParams({ limit: '500' });
    for (const [k, v] of [['from', isoOf(f.get('from'))], ['to', isoOf(f.get('to'))], ['actor', f.get('actor')], ['action', f.get('action')], ['target', f.get('target')]] as const) {
      if (typeof v === 'string' && v.trim()) q.set(k, v.trim());
    }
    void load(q);
  }

  const when = (at: string) => new Date(at).toLocaleString('zh-CN', { hour12: false, timeZone: tz });

  return (
    <main style={{ padding: 32 }}>
      <h1 style={{ fontWeight: 500, fontSize: 22 }}>{strings.centerName} · {t.title}</h1>
      {role === null && <p>{t.checking}</p>}
      {role !== null && role !== 'admin' && <p role="alert" style={{ color: '#ffb4a8' }}>{t.forbidden}</p>}
      {role === 'admin' && (
        <div style={panel}>
          <form onSubmit={search} style={{ display: 'flex', gap: 16, alignItems: 'flex-end', flexWrap: 'wrap', marginBottom: 16 }}>
            <label>{t.from}<input style={field} name="from" type="datetime-local" /></label>
            <label>{t.to}<input style={field} name="to" type="datetime-local" /></label>
            <label>{t.actor}<input style={field} name="actor" maxLength={64} /></label>
            <label>{t.action}
              <select style={field} name="action" defaultValue="">
                <option value="">{t.anyAction}</option>
                {AuditAction.options.map((a) => <option key={a} value={a}>{t.actions[a] ?? a}</option>)}
              </select>
            </label>
            <label>{t.target}<input style={field} name="target" maxLength={256} /></label>
            <button type="submit" style={{ padding: '8px 20px', fontSize: 15, background: '#2563eb', color: '#fff', border: 0, borderRadius: 4 }}>{t.search}</button>
          </form>
          {verdict && (
            <p data-testid="audit-verdict" style={{ color: verdict.ok ? '#9be7b0' : '#ffb4a8' }}>
              {verdict.ok ? t.chainOk(verdict.entries) : t.chainBroken(verdict.brokenAt, verdict.reason)}
            </p>
          )}
          {error && <p role="alert" style={{ color: '#ffb4a8' }}>{error}</p>}
          {entries === null && !error && <p>{t.loading}</p>}
          {entries !== null && (
            <>
              <p>{entries.length ? t.count(entries.length) : t.empty}</p>
              <table data-testid="audit-table" style={{ borderCollapse: 'collapse', width: '100%', fontSize: 14 }}>
                <thead>
                  <tr>{(['at', 'actor', 'action', 'target', 'ip'] as const).map((k) => <th key={k} style={cell}>{t.columns[k]}</th>)}</tr>
                </thead>
                <tbody>
                  {entries.map((e) => (
                    <tr key={e.seq}>
                      <td style={cell}>{when(e.at)}</td>
                      <td style={cell}>{e.actor}</td>
                      <td style={cell} title={e.action}>{t.actions[e.action] ?? e.action}</td>
                      <td style={cell}>{e.target ?? ''}</td>
                      <td style={cell}>{e.ip ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </div>
      )}
    </main>
  );
}
