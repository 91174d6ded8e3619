'use client';
/** The briefing needs window and WebGL: it is rendered in the browser only. */
import '../wall/zod-jitless';
import dynamic from 'next/dynamic';
import type { BriefingParams } from './BriefingScreen';

const BriefingScreen = dynamic(() => import('./BriefingScreen'), { ssr: false });

export default function BriefingClient(props: BriefingParams) {
  return <BriefingScreen {...props} />;
}
