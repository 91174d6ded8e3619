/**
 * The warnings' reasons in plain Chinese: the one place their wording lives. They name
 * places (town, village, grid), internal references and counts — never a person, a phone or
 * a street address (DESIGN.md §3 Privacy). Case and call ids are free text from the sender
 * ("张三 13912345678" is a valid caseId), so they are quoted only in their display form.
 * Every number quoted is also in `figures`.
 */
import type { CallCategory, CASE_KINDS, CaseLevel } from '@watchfloor/config/contracts';
import { displayId } from '@watchfloor/config/privacy';
import { strings } from '@watchfloor/config/strings';

type CaseKind = (typeof CASE_KINDS)[number];

const fmtRatio = (x: number) => (x >= 10 ? x.toFixed(0) : x.toFixed(1));
const windowName = (w: 'hour' | 'day') => (w === 'hour' ? '近1小时' : '近24小时');
const KIND: Record<CaseKind, string> = { dispute: '矛盾纠纷', petition: '信访事项', incident: '事件' };

export const reasons = {
  gridSurge(place: string, w: 'hour' | 'day', count: number, ratio: number, fallback: boolean): string {
    return `${place} ${windowName(w)}接警 ${count} 起，为同期均值的 ${fmtRatio(ratio)} 倍${fallback ? '（新网格，均值按所在镇折算）' : ''}`;
  },
  categorySurge(county: string, category: CallCategory, w: 'hour' | 'day', count: number, ratio: number): string {
    return `${county}${windowName(w)}${strings.callCategory[category]}警情 ${count} 起，为同期均值的 ${fmtRatio(ratio)} 倍，建议定向排查`;
  },
  repeatCaller(place: string, days: number, count: number): string {
    return `${place} 同一来电近${days}天报纠纷 ${count} 次，有民转刑风险，请上门回访化解`;
  },
  repeatPlace(place: string, metres: number, days: number, count: number, callers: number): string {
    return `${place} 同一地点${metres}米内近${days}天纠纷警情 ${count} 起（${callers} 个来电），有民转刑风险`;
  },
  caseDeadline(place: string, kind: CaseKind, caseId: string, level: CaseLevel, limitDays: number, lastDay: string, overdue: boolean): string {
    const [, m, d] = lastDay.split('-');
    const due = `${Number(m)}月${Number(d)}日`;
    const ref = displayId('case', caseId);
    return overdue
      ? `${place} ${KIND[kind]} ${ref} 在${strings.caseLevel[level]}层级已超期（时限 ${limitDays} 个工作日，应于${due}前化解）`
      : `${place} ${KIND[kind]} ${ref} 在${strings.caseLevel[level]}层级临近时限（${limitDays} 个工作日，${due}到期）`;
  },
  redCase(place: string, kind: CaseKind, caseId: string, level: CaseLevel): string {
    return `${place} 红色风险${KIND[kind]} ${displayId('case', caseId)}（${strings.caseLevel[level]}层级）尚未化解`;
  },
  cameraOnline(town: string, online: number, total: number, threshold: number): string {
    return `${town} 视频在线率 ${((100 * online) / total).toFixed(1)}%（${online}/${total}），低于 ${(threshold * 100).toFixed(0)}%`;
  },
  crowdCluster(place: string, minutes: number, count: number): string {
    return `${place} ${minutes}分钟内人员聚集告警 ${count} 次`;
  },
  dispatchLate(place: string, priority: number, category: CallCategory, callId: string, minutes: number): string {
    return `${place} ${strings.priority(priority)}警情（${strings.callCategory[category]}）${displayId('call', callId)} 接警超过 ${minutes} 分钟未派警`;
  },
  arrivalLate(place: string, priority: number, category: CallCategory, callId: string, minutes: number): string {
    return `${place} ${strings.priority(priority)}警情（${strings.callCategory[category]}）${displayId('call', callId)} 派警超过 ${minutes} 分钟未到场`;
  },
};
