/**
 * Security headers for every answer of the web port (API and pages), through @fastify/helmet:
 * a strict Content-Security-Policy with a per-request script nonce (Next.js reads it from the
 * request's `content-security-policy` header while rendering and puts it on its own scripts),
 * `nosniff`, `Referrer-Policy: no-referrer` (the wall's token is in its URL) and no framing.
 */
import type { FastifyHelmetOptions } from '@fastify/helmet';

/** The origin of an intranet tile service configured at build time: the one outside origin a page may use. */
function tileOrigin(url: string | undefined): string[] {
  if (!url) return [];
  try {
    return [new URL(url.replace(/\{[^}]*\}/g, '0')).origin];
  } catch {
    return [];
  }
}

export function helmetOptions(env: Record<string, string | undefined> = process.env): FastifyHelmetOptions {
  const tiles = tileOrigin(env.NEXT_PUBLIC_TILE_URL);
  return {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        // The nonce (added per request) admits Next's inline bootstrap; 'strict-dynamic' the chunks those scripts load.
        scriptSrc: ["'self'", "'strict-dynamic'"],
        styleSrc: ["'self'"],
        // React renders `style` attributes; they cannot run script, and a nonce cannot cover attributes.
        styleSrcAttr: ["'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:', ...tiles],
        fontSrc: ["'self'"],
        connectSrc: ["'self'", ...tiles],
        // maplibre's worker is /maplibre-gl-worker.mjs, served from public/.
        workerSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
    // Served over plain HTTP on a LAN as often as behind TLS: HSTS is the TLS terminator's to send.
    strictTransportSecurity: false,
    // The wall loads nothing from elsewhere, but a cross-origin-isolation requirement would only break intranet tiles.
    crossOriginEmbedderPolicy: false,
  };
}
