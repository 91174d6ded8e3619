'use client';
/**
 * One ECharts instance per panel, created once and updated with setOption (never
 * re-created on data changes, so charts do not flicker). It renders at the panel's scaled
 * pixel size × device pixel ratio, so the wall's CSS scaling does not blur it.
 */
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export default function EChart({ option, width, height, pixelRatio, testId }: { option: EChartsCoreOption; width: number; height: number; pixelRatio: number; testId?: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    chart.current = echarts.init(el.current!, undefined, { renderer: 'canvas', devicePixelRatio: pixelRatio, width, height });
    return () => { chart.current?.dispose(); chart.current = null; };
  }, [pixelRatio, width, height]);
  useEffect(() => {
    chart.current?.setOption(option, { lazyUpdate: true });
  }, [option, pixelRatio, width, height]);
  return <div ref={el} data-testid={testId} style={{ width, height }} />;
}
