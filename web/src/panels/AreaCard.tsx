/**
 * The selected area's own figures, over the map's corner: its people, its calls of the last
 * 24 h (and per 10,000 people) against its daily average of the last 7 days, its open cases
 * by level and by colour, its active warnings (config's areaFigures).
 */
import { CASE_LEVELS, RISKS } from '@watchfloor/config/contracts';
import { strings } from '@watchfloor/config/strings';
import type { AreaFigures, WallArea } from '@watchfloor/config/wall';
import { riskCss } from '../wall/theme';

const A = strings.map.area;
const one = (v: number | null) => (v === null ? '—' : v.toFixed(1));

export default function AreaCard({ area, name, f }: { area: Exclude<WallArea, { level: 'county' }>; name: string; f: AreaFigures }) {
  const vs = f.baselinePerDay > 0 ? Math.round(((f.calls24h - f.baselinePerDay) / f.baselinePerDay) * 100) : null;
  return (
    <section className="area-card" data-testid="area-card" data-area={`${area.level}:${area.code}`}>
      <h3>{name}<small>{strings.caseLevel[area.level]}</small></h3>
      <div className="row"><span className="dim">{A.population}</span><span className="num" data-figure="population" data-value={f.population}>{f.population}</span>{A.people}</div>
      <div className="row">
        <span className="dim">{A.calls24h}</span><span className="num" data-figure="calls24h" data-value={f.calls24h}>{f.calls24h}</span>{A.calls}
        <span className="dim"> · {A.per10k}</span><span className="num">{one(f.per10k)}</span>
      </div>
      <div className="row sub" data-figure="baseline" data-value={f.baselinePerDay}>
        <span className="dim">{A.baseline(f.baselinePerDay.toFixed(1))}（{A.per10k} {one(f.baselinePer10k)}）</span>
        {vs !== null && <b className={vs > 0 ? 'up' : vs < 0 ? 'down' : ''}>{vs === 0 ? A.flat : `${vs > 0 ? '▲' : '▼'} ${Math.abs(vs)}%`}</b>}
      </div>
      <div className="row"><span className="dim">{A.casesByLevel}</span>
        {CASE_LEVELS.map((l) => <span key={l} className="pair" data-level={l}>{strings.caseLevel[l]} <span className="num">{f.casesByLevel[l] ?? 0}</span></span>)}
      </div>
      <div className="row"><span className="dim">{A.casesByRisk}</span>
        {RISKS.map((r) => <span key={r} className="pair" data-risk={r}><span className="swatch" style={{ background: riskCss(r) }} />{strings.risk[r]} <span className="num">{f.casesByRisk[r] ?? 0}</span></span>)}
      </div>
      <div className="row"><span className="dim">{A.warnings}</span><span className="num" data-figure="warnings" data-value={f.warnings}>{f.warnings}</span>{A.items}</div>
    </section>
  );
}
