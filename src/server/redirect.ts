/**
 * Where a redirect may send the browser: a path on this site, nothing else. Browsers are
 * lenient with `Location`: they drop tabs and newlines anywhere, read `\` as `/`, and take
 * `//host` as another origin, so `/<TAB>/evil.example` and `/\evil.example` both leave the
 * site. Anything that is not a plain path, before or after one more round of percent-decoding,
 * falls back to the home page.
 */
const ORIGIN = 'http://engram.invalid';

function plainPath(s: string): boolean {
  // Browsers drop tabs and newlines and read backslashes as slashes: none may appear.
  return s.startsWith('/') && !s.startsWith('//') && !/[\u0000-\u001f\u007f\\]/.test(s);
}

export function sameSitePath(raw: string | undefined, fallback = '/'): string {
  if (!raw || !plainPath(raw)) return fallback;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return fallback;
  }
  // `/%2F%2Fevil` or `/%5Cevil` are paths here, but refuse anything that decodes to a way out.
  if (!plainPath(decoded.replace(/[?#][\s\S]*$/, ''))) return fallback;
  const url = new URL(raw, ORIGIN);
  if (url.origin !== ORIGIN) return fallback;
  // Dot segments are resolved here, not by the check above: `/.//evil.example` and
  // `/a/..//evil.example` become `//evil.example`, another site. The result is checked again.
  if (!plainPath(url.pathname)) return fallback;
  return url.pathname + url.search + url.hash;
}
