/** Incidents of the last 24 h by dispatch state (received → dispatched → en route → on scene → handled → closed). */
import { strings } from '@watchfloor/config/strings';
import { dispatchCounts, type WallState } from '@watchfloor/config/wall';
import Panel from './Panel';

const SHOWN = ['received', 'dispatched', 'en_route', 'on_scene', 'handled', 'closed'] as const;

export default function Dispatch({ s }: { s: WallState }) {
  const c = dispatchCounts(s);
  const available = Object.values(s.units).filter((u) => u.status === 'available').length;
  return (
    <Panel title={strings.panels.dispatch} definition={strings.definitions.dispatch} testId="dispatch">
      <div className="dispatch">
        {SHOWN.map((k) => (
          <div key={k} className="cell" data-state={k}><span className="num">{c[k]}</span><span className="dim">{strings.incidentState[k]}</span></div>
        ))}
        <div className="cell"><span className="num">{available}</span><span className="dim">{strings.panels.unitsAvailable}</span></div>
      </div>
    </Panel>
  );
}
