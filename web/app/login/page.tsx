/** /login: duty staff sign in with username and password, then go on to /console. */
import { strings } from '@watchfloor/config/strings';
import LoginForm from '../../src/console/LoginForm';

export const dynamic = 'force-dynamic';
export const metadata = { title: `${strings.centerName} · ${strings.login.title}` };

export default function LoginPage() {
  return (
    <main style={{ display: 'flex', minHeight: '100vh', alignItems: 'center', justifyContent: 'center' }}>
      <LoginForm />
    </main>
  );
}
