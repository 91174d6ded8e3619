'use client';
/** The wall needs window and WebGL: it is rendered in the browser only. */
import './zod-jitless';
import dynamic from 'next/dynamic';

const WallScreen = dynamic(() => import('./WallScreen'), { ssr: false });

/** `basemap`: whether BASEMAP_PMTILES is set (the server's setting, passed by the page). */
export default function WallClient(props: { token: string; staleAfterMs: number; noDataAfterMs: number; tz: string; basemap: boolean }) {
  return <WallScreen {...props} />;
}
