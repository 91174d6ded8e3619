/** The console's title bar: who is signed in and in which role, whether the live feed is up, the audit trail for admins, and sign-out. */
import type { SessionView } from '@watchfloor/config/auth';
import { strings } from '@watchfloor/config/strings';

const t = strings.console;

export default function ConsoleHeader({ session, connected, onSignOut }: { session: SessionView; connected: boolean; onSignOut: () => void }) {
  return (
    <header className="console-header">
      <h1>{strings.centerName} · {t.title}</h1>
      <span className={`live ${connected ? 'on' : 'off'}`} data-testid="live" data-connected={connected}>{connected ? t.live : t.offline}</span>
      {session.user.role === 'admin' && <a className="audit-link" href="/console/audit">{strings.audit.title}</a>}
      <span className="user" data-testid="signed-in">{t.signedInAs(session.user.name, t.role[session.user.role])}</span>
      <button type="button" onClick={onSignOut}>{t.signOut}</button>
    </header>
  );
}
