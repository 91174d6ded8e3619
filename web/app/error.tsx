'use client';
/** A page that failed to render: said in Chinese, with a retry; no stack or developer text on screen. */
import { strings } from '@watchfloor/config/strings';

export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const t = strings.errorPage;
  return (
    <main style={{ padding: '48px' }}>
      <h1 style={{ fontWeight: 500 }}>{t.title}</h1>
      <p>{t.detail}</p>
      <p>
        <button type="button" onClick={() => reset()} style={{ fontSize: 18, marginRight: 24 }}>{t.retry}</button>
        <a style={{ color: '#7fb4ff' }} href="/">{t.home}</a>
      </p>
    </main>
  );
}
