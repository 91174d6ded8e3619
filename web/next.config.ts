import type { NextConfig } from 'next';

const config: NextConfig = {
  // The shared contracts and strings are TypeScript sources in the workspace.
  transpilePackages: ['@watchfloor/config'],
  reactStrictMode: true,
  poweredByHeader: false,
  // Nothing may load from outside the server (DESIGN.md §4): no remote images either.
  images: { unoptimized: true },
  // Types are checked once for the whole repo by `npm run typecheck` (root tsconfig, strict);
  // a second, differently configured check inside `next build` would only disagree with it.
  typescript: { ignoreBuildErrors: true },
};

export default config;
