// Self-check of the browser harness: Debian's chromium starts headless, WebGL2 works on
// SwiftShader, the non-blank check tells a drawn canvas from a blank one, requests leaving the
// server are caught, and CJK text renders with the Noto CJK fonts.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  canvasIsNonBlank,
  collectPageErrors,
  launchBrowser,
  newPage,
  saveScreenshot,
  trackExternalRequests,
} from '../support/browser';
import { waitFor } from '../support/wait';

const CJK = '潼关县综治中心';

const PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>harness</title>
<style>body { margin: 0; background: #fff; } canvas { display: block; margin: 4px; }</style>
</head><body>
<div id="gl"><canvas width="160" height="120"></canvas></div>
<canvas id="cleared" width="160" height="120"></canvas>
<canvas id="blank" width="160" height="120"></canvas>
<p id="cjk-noto" style="font: 24px 'Noto Sans CJK SC'">${CJK}</p>
<p id="cjk-default" style="font-size: 24px">${CJK}</p>
<img id="outside" src="http://example.invalid/x.png" alt="">
<script>
  // A coloured triangle on a clear colour, drawn once, without preserveDrawingBuffer.
  const gl = document.querySelector('#gl canvas').getContext('webgl2');
  window.webgl2 = !!gl;
  if (gl) {
    const sh = (type, src) => { const s = gl.createShader(type); gl.shaderSource(s, src); gl.compileShader(s); return s; };
    const prog = gl.createProgram();
    gl.attachShader(prog, sh(gl.VERTEX_SHADER, '#version 300 es\\nin vec2 p; void main() { gl_Position = vec4(p, 0.0, 1.0); }'));
    gl.attachShader(prog, sh(gl.FRAGMENT_SHADER, '#version 300 es\\nprecision mediump float; out vec4 c; void main() { c = vec4(0.9, 0.3, 0.1, 1.0); }'));
    gl.linkProgram(prog);
    gl.useProgram(prog);
    gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-0.8, -0.8, 0.8, -0.8, 0.0, 0.8]), gl.STATIC_DRAW);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.clearColor(0.1, 0.2, 0.5, 1.0);
    gl.clear(gl.COLOR_BUFFER_BIT);
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    const dbg = gl.getExtension('WEBGL_debug_renderer_info');
    window.renderer = dbg ? gl.getParameter(dbg.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
  }
  // A WebGL2 canvas holding only a clear colour: one colour, so "blank".
  const g2 = document.getElementById('cleared').getContext('webgl2');
  if (g2) { g2.clearColor(0.2, 0.6, 0.2, 1.0); g2.clear(g2.COLOR_BUFFER_BIT); }
  // A dedicated worker fetching from outside: must be caught too (maplibre fetches in workers).
  new Worker('/worker.js');
</script>
</body></html>`;

let server: http.Server;
let origin: string;
let browser: Browser;
let page: Page;
let external: () => string[];
let errors: () => string[];

before(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    } else if (req.url === '/worker.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end("fetch('http://worker.invalid/tile.pbf').catch(() => {});");
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
  page = await newPage(browser, { width: 640, height: 600 });
  external = trackExternalRequests(page, origin);
  errors = collectPageErrors(page);
  await page.goto(`${origin}/`, { waitUntil: 'domcontentloaded' });
});

after(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

test('WebGL2 is available headless (SwiftShader)', async () => {
  const { webgl2, renderer } = await page.evaluate(() => ({
    webgl2: (window as unknown as { webgl2: boolean }).webgl2,
    renderer: (window as unknown as { renderer?: string }).renderer,
  }));
  assert.equal(webgl2, true, "canvas.getContext('webgl2') returned null");
  assert.match(String(renderer), /SwiftShader/i);
});

test('canvasIsNonBlank tells a drawn WebGL canvas from blank ones', async () => {
  assert.equal(await canvasIsNonBlank(page, '#gl'), true, 'triangle canvas read as blank');
  assert.equal(await canvasIsNonBlank(page, '#cleared'), false, 'clear-colour-only canvas read as non-blank');
  assert.equal(await canvasIsNonBlank(page, '#blank'), false, 'untouched canvas read as non-blank');
});

test('requests leaving the server are reported, from the page and from workers', async () => {
  const seen = await waitFor('the outside requests', async () => external(), (v) => v.length >= 2, 5000, 50).catch(() => external());
  assert.ok(seen.includes('http://example.invalid/x.png'), `img not reported: ${JSON.stringify(seen)}`);
  assert.ok(seen.includes('http://worker.invalid/tile.pbf'), `worker fetch not reported: ${JSON.stringify(seen)}`);
  assert.ok(!seen.some((u) => u.startsWith(origin)), 'own-origin request reported as outside');
});

test('CJK text renders with Noto CJK', async () => {
  assert.equal(await page.evaluate(() => document.fonts.check('16px "Noto Sans CJK SC"')), true);
  // document.fonts.check() is true for any font that needs no loading, even a missing one, so ask
  // the renderer which platform font actually drew the glyphs.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument');
  for (const sel of ['#cjk-noto', '#cjk-default']) {
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: sel });
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    const glyphs = fonts.filter((f) => /Noto (Sans|Serif) CJK/.test(f.familyName)).reduce((n, f) => n + f.glyphCount, 0);
    assert.equal(glyphs, [...CJK].length, `${sel} drawn with ${JSON.stringify(fonts)}`);
  }
  await cdp.detach();
  await saveScreenshot(page, 'browser-harness');
});

test('page.evaluate may use named functions (tsx __name shim)', async () => {
  const n = await page.evaluate(() => {
    const inc = (x: number) => x + 1;
    function two() {
      return 2;
    }
    return inc(two());
  });
  assert.equal(n, 3);
});

test('the page ran without errors', () => {
  // The failed outside loads are expected console errors; nothing else is.
  const unexpected = errors().filter((e) => !/ERR_NAME_NOT_RESOLVED|Failed to load resource/.test(e));
  assert.deepEqual(unexpected, []);
});
