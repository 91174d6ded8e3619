/** 化解率 and camera online rate: the two headline percentages. */
import { strings } from '@watchfloor/config/strings';
import type { WallState } from '@watchfloor/config/wall';
import AnimatedNumber from './AnimatedNumber';
import Panel from './Panel';

export default function Rates({ s }: { s: WallState }) {
  const total = s.figures.camerasTotal;
  const offline = Object.keys(s.offlineCameras).length;
  const online = total > 0 ? ((total - offline) / total) * 100 : null;
  const rr = s.figures.resolutionRate30d;
  return (
    <div className="rates">
      <Panel title={strings.panels.resolutionRate} definition={strings.definitions.resolutionRate}>
        <div className="kpi small"><AnimatedNumber value={rr === null ? null : rr * 100} digits={1} suffix="%" testId="kpi-resolution-rate" /></div>
      </Panel>
      <Panel title={strings.panels.cameraOnline} definition={strings.definitions.cameraOnline}>
        <div className="kpi small"><AnimatedNumber value={online} digits={1} suffix="%" testId="kpi-camera-online" /></div>
        <div className="kpi-sub dim">{total - offline} / {total}</div>
      </Panel>
    </div>
  );
}
