'use client';
/**
 * The sign-in form: POST /api/session, then back to the page that sent the visitor here
 * (`?next=`, a path on this site only) or /console. Refusals are shown by their code, never by
 * guessing which field was wrong.
 */
import { useState, type FormEvent } from 'react';
import { strings } from '@watchfloor/config/strings';
import { afterLogin } from './after-login';

const t = strings.login;

const box = { width: 360, padding: 32, background: '#0b1d42', border: '1px solid #1f3b73', borderRadius: 6 } as const;
const field = { display: 'block', width: '100%', boxSizing: 'border-box', margin: '6px 0 16px', padding: '8px 10px', fontSize: 16, background: '#06122b', color: '#dbe7ff', border: '1px solid #2a4a85', borderRadius: 4 } as const;

export default function LoginForm() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const r = await fetch('/api/session', {
        method: 'POST', headers: { 'content-type': 'application/json' }, credentials: 'same-origin',
        body: JSON.stringify({ username: String(form.get('username') ?? ''), password: String(form.get('password') ?? '') }),
      });
      if (r.ok) {
        window.location.assign(afterLogin(window.location.search));
        return;
      }
      const code = ((await r.json().catch(() => null)) as { error?: { code?: string } } | null)?.error?.code;
      const retry = Number(r.headers.get('retry-after')) || null;
      setError(code === 'invalid_credentials' ? t.invalid : code === 'locked' ? t.locked(retry) : code === 'rate_limited' ? t.rateLimited : t.failed);
    } catch {
      setError(t.failed);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form style={box} onSubmit={(e) => void submit(e)} method="post" action="/login">
      <h1 style={{ fontWeight: 500, fontSize: 22, marginTop: 0 }}>{strings.centerName} · {t.title}</h1>
      <label>{t.username}<input style={field} name="username" autoComplete="username" required maxLength={64} /></label>
      <label>{t.password}<input style={field} name="password" type="password" autoComplete="current-password" required maxLength={1024} /></label>
      {error && <p role="alert" style={{ color: '#ffb4a8', margin: '0 0 12px' }}>{error}</p>}
      <button type="submit" disabled={busy} style={{ width: '100%', padding: '10px 0', fontSize: 16, background: '#2563eb', color: '#fff', border: 0, borderRadius: 4 }}>
        {busy ? t.submitting : t.submit}
      </button>
    </form>
  );
}
