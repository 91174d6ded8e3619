'use client';
/**
 * The hot-spot map of the briefing: the region's grids shaded by a value (the wall's heat ramp),
 * town outlines and names, drawn once by deck.gl. A briefing is a still picture, so as soon as
 * deck.gl has drawn its frame the canvas is read into an image (preserveDrawingBuffer) and the
 * image replaces it: Chromium's PDF path prints WebGL canvases blank, an <img> it prints.
 * `data-captured` says the swap happened (what the exporter waits on).
 */
import { useEffect, useRef, useState } from 'react';
import { Deck, MapView, WebMercatorViewport } from '@deck.gl/core';
import { GeoJsonLayer, TextLayer } from '@deck.gl/layers';
import { LABEL_TEXT } from '../map/layers/label-text';
import { heat } from '../wall/theme';
import type { RegionData } from '../wall/region-data';

interface Props { region: RegionData; values: Record<string, number>; townCode: string | null; width: number; height: number }

type Label = { name: string; position: [number, number] };

export default function BriefingMap({ region, values, townCode, width, height }: Props) {
  const el = useRef<HTMLCanvasElement>(null);
  const [image, setImage] = useState<string | null>(null);

  useEffect(() => {
    const canvas = el.current!;
    const grids = townCode ? region.grids.features.filter((f) => f.properties.townCode === townCode) : region.grids.features;
    const towns = townCode ? region.towns.features.filter((f) => f.properties.code === townCode) : region.towns.features;
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const f of towns) {
      const rings = f.geometry.type === 'Polygon' ? [f.geometry.coordinates[0]!] : f.geometry.coordinates.map((p) => p[0]!);
      for (const r of rings) for (const [x, y] of r) { x0 = Math.min(x0, x!); y0 = Math.min(y0, y!); x1 = Math.max(x1, x!); y1 = Math.max(y1, y!); }
    }
    const view = new WebMercatorViewport({ width, height }).fitBounds([[x0, y0], [x1, y1]], { padding: 30 });
    const max = Math.max(0, ...grids.map((g) => values[g.properties.code] ?? 0));
    const labels: Label[] = towns.map((f) => {
      const ring = f.geometry.type === 'Polygon' ? f.geometry.coordinates[0]! : f.geometry.coordinates[0]![0]!;
      const [sx, sy] = ring.reduce(([x, y], [a, b]) => [x + a!, y + b!], [0, 0]);
      return { name: f.properties.name, position: [sx / ring.length, sy / ring.length] };
    });
    let done = false;
    const deck: Deck<MapView> = new Deck({
      canvas, width, height, views: new MapView({ controller: false }),
      initialViewState: { longitude: view.longitude, latitude: view.latitude, zoom: view.zoom },
      deviceProps: { type: 'webgl', webgl: { preserveDrawingBuffer: true } },
      layers: [
        new GeoJsonLayer({
          id: 'briefing-grids', data: { type: 'FeatureCollection', features: grids } as never, filled: true, stroked: true,
          getFillColor: (f: { properties: { code: string } }) => heat(values[f.properties.code] ?? 0, max),
          getLineColor: [64, 156, 255, 90], lineWidthMinPixels: 0.5,
        }),
        new GeoJsonLayer({
          id: 'briefing-towns', data: { type: 'FeatureCollection', features: towns } as never, filled: false, stroked: true,
          getLineColor: [120, 200, 255, 220], lineWidthMinPixels: 2,
        }),
        new TextLayer<Label>({
          id: 'briefing-town-labels', data: labels, getPosition: (d) => d.position, getText: (d) => d.name, getSize: 22,
          getColor: [230, 242, 255, 255], ...LABEL_TEXT,
        }),
      ],
      onAfterRender: () => {
        // The text layer draws once its font atlas is ready: wait for a frame with every layer loaded.
        // …and at full size: the first frames can come before the drawing buffer took the canvas's size.
        const sized = canvas.width >= Math.floor(width * window.devicePixelRatio) && canvas.height >= Math.floor(height * window.devicePixelRatio);
        if (done || !sized || !deck.props.layers.every((l) => (l as { isLoaded?: boolean }).isLoaded !== false)) {
          if (!done) requestAnimationFrame(() => deck.redraw('briefing capture'));
          return;
        }
        done = true;
        setImage(canvas.toDataURL('image/png'));
        // A still picture needs no GL context: give it back (a page may hold several maps).
        setTimeout(() => deck.finalize(), 0);
      },
    });
    return () => { if (!done) deck.finalize(); };
    // Drawn once per mount: a briefing's figures do not change under it.
  }, [region, values, townCode, width, height]);

  return (
    <div className="briefing-map" data-testid="briefing-map" data-captured={image !== null} style={{ width, height, position: 'relative' }}>
      <canvas ref={el} width={Math.round(width * (typeof window === 'undefined' ? 1 : window.devicePixelRatio))} height={Math.round(height * (typeof window === 'undefined' ? 1 : window.devicePixelRatio))}
        style={{ width, height, display: image ? 'none' : 'block' }} />
      {image && <img src={image} alt="" width={width} height={height} style={{ display: 'block' }} />}
    </div>
  );
}
