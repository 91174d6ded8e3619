/**
 * 今日接警 vs the same time last week: the question every duty leader asks first. Drilled down
 * to an area (`lastWeekKnown` false) the wall has last week's calls for the county only, and says so.
 */
import { strings } from '@watchfloor/config/strings';
import type { WallFigures } from '@watchfloor/config/wall';
import AnimatedNumber from './AnimatedNumber';
import Panel from './Panel';

export default function CallsToday({ f, lastWeekKnown = true }: { f: WallFigures; lastWeekKnown?: boolean }) {
  const diff = f.callsToday - f.callsSameTimeLastWeek;
  const pct = f.callsSameTimeLastWeek > 0 ? Math.round((diff / f.callsSameTimeLastWeek) * 100) : null;
  return (
    <Panel title={strings.panels.callsToday} definition={strings.definitions.callsToday}>
      <div className="kpi">
        <AnimatedNumber value={f.callsToday} testId="kpi-calls-today" />
        <span className="unit">起</span>
      </div>
      <div className="kpi-sub">
        {!lastWeekKnown ? <span className="dim">{strings.panels.lastWeekCountyOnly}</span> : diff === 0 ? strings.panels.sameAsLastWeek : (
          <>{strings.panels.vsLastWeek} <b className={diff > 0 ? 'up' : 'down'}>{diff > 0 ? '▲' : '▼'} {Math.abs(diff)} 起{pct !== null ? `（${Math.abs(pct)}%）` : ''}</b></>
        )}
        {lastWeekKnown && <span className="dim">（上周同期 {f.callsSameTimeLastWeek} 起）</span>}
      </div>
    </Panel>
  );
}
