/** 404, in the wall's language: what happened and the way home. */
import { strings } from '@watchfloor/config/strings';

export const metadata = { title: `${strings.centerName} · ${strings.notFound.title}` };

export default function NotFound() {
  const t = strings.notFound;
  return (
    <main style={{ padding: '48px' }}>
      <h1 style={{ fontWeight: 500 }}>{t.title}</h1>
      <p>{t.detail}</p>
      <p><a style={{ color: '#7fb4ff' }} href="/">{t.home}</a></p>
    </main>
  );
}
