'use client';
/** Who is signed in (GET /api/session; without a session, on to /login) and sign-out. The console's map and queue come next. */
import '../wall/zod-jitless';
import { useEffect, useState } from 'react';
import { CSRF_HEADER, SessionView } from '@watchfloor/config/auth';
import { strings } from '@watchfloor/config/strings';

const t = strings.console;

export default function ConsolePlaceholder() {
  const [session, setSession] = useState<SessionView | null>(null);

  useEffect(() => {
    void (async () => {
      const r = await fetch('/api/session', { credentials: 'same-origin' });
      if (!r.ok) {
        window.location.assign('/login');
        return;
      }
      setSession(SessionView.parse(await r.json()));
    })();
  }, []);

  async function signOut() {
    if (!session) return;
    await fetch('/api/session', { method: 'DELETE', credentials: 'same-origin', headers: { [CSRF_HEADER]: session.csrfToken } });
    window.location.assign('/login');
  }

  return (
    <main style={{ padding: 48 }}>
      <h1 style={{ fontWeight: 500 }}>{strings.centerName} · {t.title}</h1>
      {session ? (
        <>
          <p data-testid="signed-in">{t.signedInAs(session.user.name, t.role[session.user.role])}</p>
          <p>{t.comingNext}</p>
          <button type="button" onClick={() => void signOut()} style={{ padding: '8px 16px', fontSize: 15 }}>{t.signOut}</button>
        </>
      ) : <p>{t.checking}</p>}
    </main>
  );
}
