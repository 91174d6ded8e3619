/**
 * How every place name on a map is drawn by deck.gl: from the system's CJK faces (characterSet
 * 'auto' builds the atlas from the names themselves, so no glyph server is needed offline),
 * outlined in the wall's ground colour so a name reads over any fill.
 */
import type { TextLayerProps } from '@deck.gl/layers';

export const LABEL_TEXT: Pick<TextLayerProps, 'characterSet' | 'fontFamily' | 'outlineWidth' | 'outlineColor' | 'fontSettings'> = {
  characterSet: 'auto',
  fontFamily: '"Noto Sans CJK SC", "Microsoft YaHei", sans-serif',
  outlineWidth: 2,
  outlineColor: [5, 13, 36, 255],
  fontSettings: { sdf: true },
};
