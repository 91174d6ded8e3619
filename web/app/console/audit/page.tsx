/** /console/audit: the audit trail for admins (the API refuses everyone else; the page says so). */
import { loadSettings } from '@watchfloor/config/settings';
import { strings } from '@watchfloor/config/strings';
import AuditViewer from '../../../src/console/AuditViewer';

export const dynamic = 'force-dynamic';
export const metadata = { title: `${strings.centerName} · ${strings.audit.title}` };

export default function AuditPage() {
  return <AuditViewer tz={loadSettings().TZ_CENTER} />;
}
