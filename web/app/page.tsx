/** Landing page: what this server offers and where its live figures are. */
export const dynamic = 'force-dynamic';

export default function Home() {
  return (
    <main style={{ padding: '48px' }}>
      <h1 style={{ fontWeight: 500 }}>Watchfloor 指挥大屏</h1>
      <ul style={{ lineHeight: 2 }}>
        <li><a style={{ color: '#7fb4ff' }} href="/api/health">/api/health</a> — 系统状态（数据库、消息总线、各数据流最新时间）</li>
        <li><a style={{ color: '#7fb4ff' }} href="/api/stats/summary">/api/stats/summary</a> — 今日统计（接警、视频告警、矛盾纠纷）</li>
      </ul>
    </main>
  );
}
