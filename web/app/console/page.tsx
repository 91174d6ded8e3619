/** /console: the dispatch console. For now the signed-in user and a sign-out; the console itself comes next. */
import { strings } from '@watchfloor/config/strings';
import ConsolePlaceholder from '../../src/console/ConsolePlaceholder';

export const dynamic = 'force-dynamic';
export const metadata = { title: `${strings.centerName} · ${strings.console.title}` };

export default function ConsolePage() {
  return <ConsolePlaceholder />;
}
