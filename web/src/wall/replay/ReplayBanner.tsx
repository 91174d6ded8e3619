'use client';
/** While replaying, the wall says so unmistakably: the replayed moment, large, and the way back to live. */
import { strings } from '@watchfloor/config/strings';
import { clock, longDate } from '../zoned-format';

export default function ReplayBanner({ t, tz, onExit }: { t: number; tz: string; onExit: () => void }) {
  return (
    <div className="replay-banner" data-testid="replay-banner" data-at={t} role="status">
      <b>{strings.replay.banner}</b>
      <span className="num" data-testid="replay-time">{longDate(t, tz)} {clock(t, tz)}</span>
      <span className="dim">{strings.replay.bannerDetail}</span>
      <button type="button" data-testid="replay-banner-exit" onClick={onExit}>{strings.replay.backToLive}</button>
    </div>
  );
}
