/** Open cases by level (grid → county) split by risk colour: where 四级七天 is holding. */
import { CASE_LEVELS, RISKS } from '@watchfloor/config/contracts';
import { strings } from '@watchfloor/config/strings';
import type { WallState } from '@watchfloor/config/wall';
import { riskCss } from '../wall/theme';
import Panel from './Panel';

export default function CaseFunnel({ s }: { s: WallState }) {
  const counts = Object.fromEntries(CASE_LEVELS.map((l) => [l, { red: 0, yellow: 0, blue: 0 }])) as Record<(typeof CASE_LEVELS)[number], Record<(typeof RISKS)[number], number>>;
  for (const c of Object.values(s.cases)) counts[c.level][c.risk]++;
  const total = (l: (typeof CASE_LEVELS)[number]) => RISKS.reduce((a, r) => a + counts[l][r], 0);
  const max = Math.max(1, ...CASE_LEVELS.map(total));
  return (
    <Panel title={strings.panels.caseFunnel} definition={strings.definitions.caseFunnel} testId="case-funnel">
      <ul className="funnel">
        {CASE_LEVELS.map((l) => (
          <li key={l}>
            <span className="bar-label">{strings.caseLevel[l]}</span>
            <span className="bar-track">
              {RISKS.map((r) => <span key={r} className="bar-fill" title={strings.risk[r]} style={{ width: `${(counts[l][r] / max) * 100}%`, background: riskCss(r) }} />)}
            </span>
            <span className="bar-value num">{total(l)}</span>
          </li>
        ))}
      </ul>
      <div className="funnel-legend" data-legend="case-risk">
        {RISKS.map((r) => <span key={r} className="legend-item"><span className="swatch" style={{ background: riskCss(r) }} />{strings.risk[r]}</span>)}
      </div>
    </Panel>
  );
}
