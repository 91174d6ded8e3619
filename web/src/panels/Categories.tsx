/** Today's calls by category, largest first (targeted screening starts here). */
import { CALL_CATEGORIES } from '@watchfloor/config/contracts';
import { strings } from '@watchfloor/config/strings';
import type { WallFigures } from '@watchfloor/config/wall';
import Panel from './Panel';

/** The largest categories only, at a size read from 8 m; the rest are in the console. */
const SHOWN = 5;

export default function Categories({ f }: { f: WallFigures }) {
  const rows = CALL_CATEGORIES.map((c) => ({ c, n: f.byCategoryToday[c] ?? 0 })).sort((a, b) => b.n - a.n).slice(0, SHOWN);
  const max = Math.max(1, ...rows.map((r) => r.n));
  return (
    <Panel title={strings.panels.categories}>
      <ul className="bars">
        {rows.map((r) => (
          <li key={r.c} data-category={r.c}>
            <span className="bar-label">{strings.callCategory[r.c]}</span>
            <span className="bar-track"><span className="bar-fill" style={{ width: `${(r.n / max) * 100}%` }} /></span>
            <span className="bar-value num">{r.n}</span>
          </li>
        ))}
      </ul>
    </Panel>
  );
}
