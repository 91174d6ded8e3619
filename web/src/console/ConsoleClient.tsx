'use client';
/** The console needs window and WebGL: it is rendered in the browser only. */
import '../wall/zod-jitless';
import dynamic from 'next/dynamic';

const ConsoleScreen = dynamic(() => import('./ConsoleScreen'), { ssr: false });

export default function ConsoleClient(props: { tz: string }) {
  return <ConsoleScreen {...props} />;
}
