/** 待派警 with its longest wait, 红色风险 and 在办纠纷: what the duty room asks for first. */
import { strings } from '@watchfloor/config/strings';
import { headlineFigures, type WallState } from '@watchfloor/config/wall';
import AnimatedNumber from './AnimatedNumber';
import Panel from './Panel';

export default function DutyFigures({ s, now }: { s: WallState; now: number }) {
  const h = headlineFigures(s, now);
  const p = strings.panels;
  return (
    <Panel title={p.duty} definition={strings.definitions.duty} testId="duty-figures">
      <div className="duty">
        <div className={`cell${h.awaitingDispatch ? ' alert' : ''}`}>
          <span className="dim">{p.awaitingDispatch}<span className="window"> · {p.awaitingWindow}</span></span>
          <div className="kpi"><AnimatedNumber value={h.awaitingDispatch} testId="kpi-awaiting-dispatch" /><span className="unit">{p.unitCalls}</span></div>
          <span className="dim" data-testid="longest-wait" data-ms={h.longestWaitMs ?? ''}>{h.longestWaitMs === null ? p.noneWaiting : p.longestWait(Math.floor(h.longestWaitMs / 60_000))}</span>
        </div>
        <div className="cell">
          <span className="dim">{p.redCases}</span>
          <div className="kpi"><AnimatedNumber value={h.redCasesOpen} testId="kpi-red-cases" /><span className="unit">{p.unitCases}</span></div>
          <span className="dim">{p.openWindow}</span>
        </div>
        <div className="cell">
          <span className="dim">{p.casesOpen}</span>
          <div className="kpi"><AnimatedNumber value={h.casesOpen} testId="kpi-cases-open" /><span className="unit">{p.unitCases}</span></div>
          <span className="dim">{p.openWindow}</span>
        </div>
      </div>
    </Panel>
  );
}
