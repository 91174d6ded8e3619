/** /console: the dispatch console (signed-in duty staff; without a session the page sends the visitor to /login). */
import { loadSettings } from '@watchfloor/config/settings';
import { strings } from '@watchfloor/config/strings';
import ConsoleClient from '../../src/console/ConsoleClient';
import '../../src/wall/wall.css';
import '../../src/console/console.css';

export const dynamic = 'force-dynamic';
export const metadata = { title: `${strings.centerName} · ${strings.console.title}` };

export default function ConsolePage() {
  return <ConsoleClient tz={loadSettings().TZ_CENTER} />;
}
