'use client';
/** The wall needs window and WebGL: it is rendered in the browser only. */
import './zod-jitless';
import dynamic from 'next/dynamic';

const WallScreen = dynamic(() => import('./WallScreen'), { ssr: false });

export default function WallClient(props: { token: string; staleAfterMs: number; noDataAfterMs: number; tz: string }) {
  return <WallScreen {...props} />;
}
