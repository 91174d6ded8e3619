/**
 * /briefing?from=&to=&region=: the weekly briefing's seven pages (analysts and admins; the
 * figures' API refuses everyone else). The shell is public like the wall's; the data is not.
 */
import { loadSettings } from '@watchfloor/config/settings';
import { strings } from '@watchfloor/config/strings';
import BriefingClient from '../../src/briefing/BriefingClient';
import '../../src/wall/wall.css';
import '../../src/briefing/briefing.css';

export const dynamic = 'force-dynamic';
export const metadata = { title: `${strings.centerName} · ${strings.briefing.title}` };

const one = (v: string | string[] | undefined) => (typeof v === 'string' && v !== '' ? v : null);

export default async function BriefingPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const q = await searchParams;
  const page = one(q.page);
  return (
    <BriefingClient from={one(q.from)} to={one(q.to)} region={one(q.region)} page={page === null ? null : Number(page) || 1}
      print={one(q.print) === '1'} tz={loadSettings().TZ_CENTER} />
  );
}
