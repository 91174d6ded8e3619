/**
 * A ring layer animated on the GPU: each ring's age and the pulse phase come from a clock
 * read when deck.gl draws, not from props, so the animation needs neither React renders nor
 * new layer instances. deck.gl's own render loop asks `getNeedsRedraw` every frame; the layer
 * answers yes at most every FRAME_MS, and only while a ring is still young enough to show.
 * Rings past their lifetime are collapsed in the vertex shader, so the data array changes
 * only when the incidents do.
 */
import type { DefaultProps, UpdateParameters } from '@deck.gl/core';
import { ScatterplotLayer, type ScatterplotLayerProps } from '@deck.gl/layers';

/** ~12 frames a second: enough for a ring, and cheap for a software-rendered wall. */
const FRAME_MS = 80;
const UNIT = { meters: 0, common: 1, pixels: 2 } as const;

const pulseUniformBlock = /* glsl */ `\
layout(std140) uniform pulseUniforms {
  float now;
  float lifetime;
  float fade;
} pulse;
`;

const pulseModule = {
  name: 'pulse',
  vs: pulseUniformBlock,
  fs: pulseUniformBlock,
  uniformTypes: { now: 'f32', lifetime: 'f32', fade: 'f32' },
} as const;

type PulseUniforms = { now: number; lifetime: number; fade: number };

export type PulseRingsProps<D> = ScatterplotLayerProps<D> & {
  /** When each datum's ring starts (ms, the wall's clock). */
  getBornMs: (d: D) => number;
  /** A time (ms) near the data's: birth times are sent as float seconds from it, which keeps them precise. */
  epochMs: number;
  /** How long a ring shows (ms). */
  lifetimeMs: number;
  /** One pulse (ms): the ring grows from radius × (1) to radius × (1 + growth) and fades. */
  periodMs: number;
  growth: number;
  /** The wall's clock minus this screen's (a replay's moment minus now). */
  clockOffsetMs: number;
  /** A rendered video's frame time: the rings hold still on it. */
  fixedClockMs: number | null;
};

const defaultProps: DefaultProps<PulseRingsProps<unknown>> = {
  getBornMs: { type: 'accessor', value: () => 0 },
  epochMs: 0,
  lifetimeMs: 180_000,
  periodMs: 1500,
  growth: 3,
  clockOffsetMs: 0,
  fixedClockMs: null,
};

export class PulseRingsLayer<D> extends ScatterplotLayer<D, PulseRingsProps<D>> {
  static override layerName = 'PulseRingsLayer';
  static override defaultProps = defaultProps as never;
  declare state: ScatterplotLayer<D>['state'] & { lastDrawMs: number; newestBornMs: number };

  override getShaders() {
    const shaders = super.getShaders();
    return {
      ...shaders,
      modules: [...shaders.modules, pulseModule],
      inject: {
        'vs:#decl': 'in float instanceBorn;',
        // A ring outside its lifetime gets a zero-size quad: nothing is drawn for it.
        'vs:DECKGL_FILTER_SIZE': 'float pulseAge = pulse.now - instanceBorn; if (pulseAge < 0.0 || pulseAge >= pulse.lifetime) { size = vec3(0.0); }',
        'vs:DECKGL_FILTER_COLOR': 'color.a *= pulse.fade;',
      },
    };
  }

  override initializeState() {
    super.initializeState();
    this.getAttributeManager()!.addInstanced({
      instanceBorn: { size: 1, accessor: 'getBornMs', transform: (ms: number) => (ms - this.props.epochMs) / 1000 },
    });
    this.setState({ lastDrawMs: 0, newestBornMs: -Infinity });
  }

  override updateState(params: UpdateParameters<this>) {
    super.updateState(params);
    const { props, oldProps, changeFlags } = params;
    if (props.epochMs !== oldProps.epochMs) this.getAttributeManager()!.invalidate('instanceBorn');
    if (changeFlags.dataChanged || props.epochMs !== oldProps.epochMs) {
      let newest = -Infinity;
      const data = props.data;
      if (Array.isArray(data)) for (const d of data as D[]) newest = Math.max(newest, props.getBornMs(d));
      this.setState({ newestBornMs: newest });
    }
  }

  private clockMs(): number {
    return this.props.fixedClockMs ?? Date.now() + this.props.clockOffsetMs;
  }

  override getNeedsRedraw(opts?: { clearRedrawFlags: boolean }): string | false {
    const base = super.getNeedsRedraw(opts);
    if (base) return base;
    if (!this.state?.lastDrawMs) return false;
    const alive = this.clockMs() - this.state.newestBornMs < this.props.lifetimeMs;
    return alive && performance.now() - this.state.lastDrawMs >= FRAME_MS ? 'pulse' : false;
  }

  override draw(_opts: { uniforms?: unknown }) {
    const p = this.props;
    const now = this.clockMs();
    const phase = (now % p.periodMs) / p.periodMs;
    this.state.lastDrawMs = performance.now();
    const model = this.state.model!;
    // ScatterplotLayer.draw's uniforms, with the radius scaled by the phase.
    model.shaderInputs.setProps({
      scatterplot: {
        stroked: p.stroked, filled: p.filled, billboard: p.billboard, antialiasing: p.antialiasing,
        radiusUnits: UNIT[p.radiusUnits], radiusScale: p.radiusScale * (1 + phase * p.growth),
        radiusMinPixels: p.radiusMinPixels, radiusMaxPixels: p.radiusMaxPixels,
        lineWidthUnits: UNIT[p.lineWidthUnits], lineWidthScale: p.lineWidthScale,
        lineWidthMinPixels: p.lineWidthMinPixels, lineWidthMaxPixels: p.lineWidthMaxPixels,
      },
      pulse: { now: (now - p.epochMs) / 1000, lifetime: p.lifetimeMs / 1000, fade: 1 - phase } satisfies PulseUniforms,
    } as never);
    model.draw(this.context.renderPass);
  }
}
