/** Active warnings (预警), red before yellow, newest first; acknowledged ones say so. */
import { strings } from '@watchfloor/config/strings';
import type { WallWarning } from '@watchfloor/config/wall';
import { riskCss } from '../wall/theme';
import { dayHourMinute } from '../wall/zoned-format';
import Panel from './Panel';

/** `tz`: the center's zone (TZ_CENTER), whatever the screen's own clock says. */
export default function Warnings({ warnings, tz }: { warnings: Record<string, WallWarning>; tz: string }) {
  const list = Object.values(warnings).sort((a, b) => (a.colour === b.colour ? b.raisedAt - a.raisedAt : a.colour === 'red' ? -1 : 1));
  const red = list.filter((w) => w.colour === 'red').length;
  return (
    <Panel title={`${strings.panels.warnings}${list.length ? `（红 ${red} · 黄 ${list.length - red}）` : ''}`} definition={strings.definitions.warnings} testId="warnings">
      {list.length === 0 ? <div className="empty">{strings.panels.noWarnings}</div> : (
        <ul className="warnings">
          {list.slice(0, 3).map((w) => (
            <li key={w.id} data-warning-id={w.id} data-rule={w.rule} data-colour={w.colour}>
              <span className="dot" style={{ background: riskCss(w.colour) }} />
              <span className="reason" title={w.reason}>{w.reason}</span>
              <span className="when num">{w.status === 'acknowledged' ? strings.panels.acknowledged : dayHourMinute(w.raisedAt, tz)}</span>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
