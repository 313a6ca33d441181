/**
 * Display preferences, remembered per browser in plain cookies (they are not secrets, and the
 * client script reads and writes them too): which Chinese script to show library text in, and
 * the colour theme. Conversion happens on display only; the library keeps the originals.
 */
import { toSimplified, toTraditional } from '../text/fold.js';

export type Script = 'original' | 'hans' | 'hant';
export type Theme = 'auto' | 'light' | 'dark';

export const PREF_COOKIES = { script: 'engram_script', theme: 'engram_theme' } as const;

export const SCRIPTS: readonly Script[] = ['original', 'hans', 'hant'];
export const THEMES: readonly Theme[] = ['auto', 'light', 'dark'];

export interface Display {
  script: Script;
  theme: Theme;
  /** `lang` of the page: picks the CJK font variant (SC or TC glyph shapes). */
  lang: string;
  /** Library text as the reader chose to see it. */
  t(s: string): string;
}

export function isScript(v: unknown): v is Script {
  return typeof v === 'string' && (SCRIPTS as readonly string[]).includes(v);
}

export function isTheme(v: unknown): v is Theme {
  return typeof v === 'string' && (THEMES as readonly string[]).includes(v);
}

const identity = (s: string) => s;

export function displayFrom(cookies: Record<string, string | undefined>): Display {
  const script = isScript(cookies[PREF_COOKIES.script]) ? (cookies[PREF_COOKIES.script] as Script) : 'original';
  const theme = isTheme(cookies[PREF_COOKIES.theme]) ? (cookies[PREF_COOKIES.theme] as Theme) : 'auto';
  const convert = script === 'hans' ? toSimplified : script === 'hant' ? toTraditional : identity;
  return {
    script,
    theme,
    lang: script === 'hans' ? 'zh-Hans' : script === 'hant' ? 'zh-Hant' : 'zh',
    t: (s) => (s ? convert(s) : s),
  };
}
