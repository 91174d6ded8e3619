/**
 * The active warnings from the live state, red first: a click on one flies the map to its
 * region; dispatchers acknowledge (确认) and resolve (解除) them with the session's CSRF token.
 * The list changes when the live feed says so, not when the button is pressed.
 */
import { useState } from 'react';
import { strings } from '@watchfloor/config/strings';
import type { WallWarning } from '@watchfloor/config/wall';
import type { RegionData } from '../wall/region-data';
import { riskCss } from '../wall/theme';
import { dayHourMinute } from '../wall/zoned-format';
import { actOnWarning } from './api';

const t = strings.console;

interface Props {
  warnings: Record<string, WallWarning>;
  region: RegionData | null;
  tz: string;
  canAct: boolean;
  csrf: string;
  onLocate: (w: WallWarning) => void;
}

export default function WarningsList({ warnings, region, tz, canAct, csrf, onLocate }: Props) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const list = Object.values(warnings).sort((a, b) => (a.colour === b.colour ? b.raisedAt - a.raisedAt : a.colour === 'red' ? -1 : 1));

  async function act(w: WallWarning, action: 'ack' | 'resolve') {
    setBusy(w.id);
    setError(null);
    try {
      const status = await actOnWarning(w.id, action, csrf);
      if (status === 403) setError(t.forbidden);
      else if (status >= 400 && status !== 409) setError(t.failed);
    } catch {
      setError(t.failed);
    } finally {
      setBusy(null);
    }
  }

  const place = (code: string) => region?.gridName.get(code) ?? region?.townName.get(code) ?? code;
  return (
    <section className="cpanel warnings-panel" data-testid="console-warnings">
      <h2 title={t.warningsDefinition}>{t.warnings}<span className="count num">{list.length}</span></h2>
      {error && <div className="assign-message error" role="alert">{error}</div>}
      {list.length === 0 ? <div className="empty">{t.noWarnings}</div> : (
        <ul className="scroll">
          {list.map((w) => (
            <li key={w.id} data-warning-id={w.id} data-status={w.status} data-colour={w.colour}>
              <button type="button" className="locate" onClick={() => onLocate(w)}>
                <span className="dot" style={{ background: riskCss(w.colour) }} />
                <span className="reason">{w.reason}</span>
                <span className="meta dim">{place(w.regionCode)} · <span className="num">{dayHourMinute(w.raisedAt, tz)}</span>{w.status === 'acknowledged' && ` · ${t.acknowledged}`}</span>
              </button>
              {canAct && (
                <span className="acts">
                  {w.status === 'raised' && <button type="button" disabled={busy === w.id} onClick={() => void act(w, 'ack')}>{t.ack}</button>}
                  <button type="button" disabled={busy === w.id} onClick={() => void act(w, 'resolve')}>{t.resolve}</button>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
