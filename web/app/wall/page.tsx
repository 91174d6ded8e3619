/**
 * /wall?token=<wall token>: the command center's big screen. The page shell is public; the
 * data behind it needs the read-only wall token (checked by the live gateway).
 */
import { loadSettings } from '@watchfloor/config/settings';
import { strings } from '@watchfloor/config/strings';
import WallClient from '../../src/wall/WallClient';
import '../../src/wall/wall.css';

export const dynamic = 'force-dynamic';
export const metadata = { title: `${strings.centerName} · 指挥大屏` };

export default async function WallPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const token = (await searchParams).token;
  if (typeof token !== 'string' || !token) return <main style={{ padding: 48 }}>{strings.wall.needToken}</main>;
  const s = loadSettings();
  return <WallClient token={token} staleAfterMs={s.WALL_STALE_SECONDS * 1000} noDataAfterMs={s.WALL_NO_DATA_SECONDS * 1000} tz={s.TZ_CENTER} basemap={s.BASEMAP_PMTILES !== undefined} />;
}
