/** Calls by hour today against the same weekday last week (fixed 24-slot window); today's alone when last week's is not known for the area shown. */
import { useMemo } from 'react';
import { strings } from '@watchfloor/config/strings';
import type { WallFigures } from '@watchfloor/config/wall';
import { accent, textDim } from '../wall/theme';
import EChart from './EChart';
import Panel from './Panel';

const HOURS = Array.from({ length: 24 }, (_, h) => `${h}`);

export default function HourlyCalls({ f, width, pixelRatio, lastWeekKnown = true }: { f: WallFigures; width: number; pixelRatio: number; lastWeekKnown?: boolean }) {
  const option = useMemo(() => ({
    animation: false,
    grid: { left: 40, right: 26, top: 40, bottom: 28 },
    legend: { data: lastWeekKnown ? [strings.panels.today, strings.panels.lastWeek] : [strings.panels.today], textStyle: { color: textDim, fontSize: 18 }, top: 0, right: 0 },
    xAxis: { type: 'category', data: HOURS, name: strings.panels.axisHour, nameGap: 4, nameTextStyle: { color: textDim, fontSize: 18 }, axisLabel: { color: textDim, interval: 3, fontSize: 18 }, axisLine: { lineStyle: { color: '#2a4a80' } } },
    yAxis: { type: 'value', minInterval: 1, name: strings.panels.axisCalls, nameTextStyle: { color: textDim, fontSize: 18, align: 'right' }, axisLabel: { color: textDim, fontSize: 18 }, splitLine: { lineStyle: { color: 'rgba(60,100,170,0.25)' } } },
    series: [
      { name: strings.panels.today, type: 'bar', data: f.callsByHourToday, itemStyle: { color: accent }, barWidth: '55%' },
      ...(lastWeekKnown ? [{ name: strings.panels.lastWeek, type: 'line', data: f.callsByHourLastWeek, symbol: 'none', lineStyle: { color: '#9db3d9', type: 'dashed' } }] : []),
    ],
  }), [f.callsByHourToday, f.callsByHourLastWeek, lastWeekKnown]);
  return (
    <Panel title={strings.panels.callsByHour}>
      <EChart option={option} width={width} height={150} pixelRatio={pixelRatio} />
    </Panel>
  );
}
