/** Landing page: where a first visitor goes — the wall, the console, the briefing. */
import { strings } from '@watchfloor/config/strings';

export const dynamic = 'force-dynamic';
export const metadata = { title: strings.centerName };

const link = { color: '#7fb4ff', fontSize: 24 };

export default function Home() {
  const t = strings.landing;
  return (
    <main style={{ padding: '48px', maxWidth: 960 }}>
      <h1 style={{ fontWeight: 500 }}>{strings.centerName} · {strings.centerSubtitle}</h1>
      <p>{t.lead}</p>
      <ul style={{ lineHeight: 2.2, listStyle: 'none', padding: 0 }}>
        {t.links.map((l) => (
          <li key={l.href}><a style={link} href={l.href}>{l.name}</a> — {l.what}</li>
        ))}
      </ul>
      <p style={{ marginTop: 48, opacity: 0.7 }}><a style={{ color: '#7fb4ff' }} href="/api/health">{t.status}</a></p>
    </main>
  );
}
