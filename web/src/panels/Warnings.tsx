/** Active warnings (预警). The rules that raise them arrive with the warnings issue; until then the list is empty and says so. */
import { strings } from '@watchfloor/config/strings';
import Panel from './Panel';

export default function Warnings() {
  return (
    <Panel title={strings.panels.warnings} testId="warnings">
      <div className="empty">{strings.panels.noWarnings}</div>
    </Panel>
  );
}
