'use client';
/** The signed-in session (GET /api/session); without one, on to /login, which brings the visitor back here after. */
import { useEffect, useState } from 'react';
import type { SessionView } from '@watchfloor/config/auth';
import { fetchSession } from './api';

export function loginUrlFor(path: string): string {
  return `/login?next=${encodeURIComponent(path)}`;
}

export function useSession(): SessionView | null {
  const [session, setSession] = useState<SessionView | null>(null);
  useEffect(() => {
    let cancelled = false;
    const load = () => {
      fetchSession().then((s) => {
        if (cancelled) return;
        if (s) setSession(s);
        else window.location.assign(loginUrlFor(window.location.pathname));
      }, () => { if (!cancelled) setTimeout(load, 3000); }); // the server may be restarting
    };
    load();
    return () => { cancelled = true; };
  }, []);
  return session;
}
