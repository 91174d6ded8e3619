/** 化解率 and camera online rate: the two headline percentages, the county's (`countyOnly`: said so while the wall shows an area). */
import { strings } from '@watchfloor/config/strings';
import type { WallState } from '@watchfloor/config/wall';
import AnimatedNumber from './AnimatedNumber';
import Panel from './Panel';

export default function Rates({ s, countyOnly = false }: { s: WallState; countyOnly?: boolean }) {
  const total = s.figures.camerasTotal;
  const offline = Object.keys(s.offlineCameras).length;
  const online = total > 0 ? ((total - offline) / total) * 100 : null;
  const rr = s.figures.resolutionRate30d;
  return (
    <div className="rates">
      <Panel title={strings.panels.resolutionRate} definition={strings.definitions.resolutionRate}>
        <div className="kpi small"><AnimatedNumber value={rr === null ? null : rr * 100} digits={1} suffix="%" testId="kpi-resolution-rate" /></div>
        {countyOnly && <div className="kpi-sub dim">{strings.panels.countyOnly}</div>}
      </Panel>
      <Panel title={strings.panels.cameraOnline} definition={strings.definitions.cameraOnline}>
        <div className="kpi small"><AnimatedNumber value={online} digits={1} suffix="%" testId="kpi-camera-online" /></div>
        <div className="kpi-sub dim">{total - offline} / {total}{countyOnly && ` · ${strings.panels.countyOnly}`}</div>
      </Panel>
    </div>
  );
}
