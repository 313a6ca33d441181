/**
 * Settings for external services, resolved the same way everywhere: a command-line flag,
 * else the environment (`ENGRAM_<SERVICE>_<FIELD>`), else the library's config file
 * (`LIBRARY/config.json`). Nothing configured means the service is off and engram falls
 * back to its offline methods.
 *
 * config.json looks like:
 *   { "llm": { "url": "http://127.0.0.1:11434/v1", "model": "qwen2.5", "context": "32768" },
 *     "asr": { "url": "…", "model": "whisper-1", "key": "…" },
 *     "embed": { … }, "smtp": { "url": "smtp://user:pass@host:587" },
 *     "ytdlp": { "path": "/usr/local/bin/yt-dlp", "cookies": "/home/me/youtube-cookies.txt" } }
 * It may also hold `"publicUrl"`, the web app's public address, taken the same way
 * (`--public-url`, else ENGRAM_PUBLIC_URL): see server/public-url.ts.
 */
import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { makeFolders } from './folders.js';

/** The services engram can talk to. */
export type Service = 'asr' | 'llm' | 'embed' | 'smtp' | 'ytdlp';

/** A service's settings. `url` is the base URL (OpenAI-compatible: ending in `/v1`). */
export interface ServiceSettings {
  url?: string;
  model?: string;
  key?: string;
  /** Executable path (yt-dlp). */
  path?: string;
  /** Context window in tokens (chat model), when the model's default guess is wrong. */
  context?: string;
  /** A cookies file in Netscape format (yt-dlp `--cookies`). */
  cookies?: string;
}

export type LibraryConfig = Partial<Record<Service, ServiceSettings>> & Record<string, unknown>;

const FIELDS = ['url', 'model', 'key', 'path', 'context', 'cookies'] as const;

export function configPath(libraryDir: string): string {
  return join(libraryDir, 'config.json');
}

/** The library's config file, or `{}` when there is none. A malformed file is an error naming it. */
export function readLibraryConfig(libraryDir: string): LibraryConfig {
  const path = configPath(libraryDir);
  if (!existsSync(path)) return {};
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('expected a JSON object');
    return parsed as LibraryConfig;
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message} (fix or delete the file)`);
  }
}

/** Write the config file atomically (write a temporary file, then rename). */
export function writeLibraryConfig(libraryDir: string, config: LibraryConfig): void {
  makeFolders(libraryDir);
  const path = configPath(libraryDir);
  writeFileSync(`${path}.tmp`, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

/**
 * One service's settings: each field from `flags` (e.g. `{ url: values['llm-url'] }`), else
 * `ENGRAM_<SERVICE>_<FIELD>`, else the config file. Returns undefined when nothing is set.
 */
export function serviceSettings(
  service: Service,
  sources: { flags?: ServiceSettings; env?: NodeJS.ProcessEnv; config?: LibraryConfig },
): ServiceSettings | undefined {
  const env = sources.env ?? process.env;
  const file = (sources.config?.[service] ?? {}) as ServiceSettings;
  const out: ServiceSettings = {};
  for (const field of FIELDS) {
    const value = sources.flags?.[field] ?? env[`ENGRAM_${service.toUpperCase()}_${field.toUpperCase()}`] ?? file[field];
    // config.json may hold a number ("context": 32768): settings are strings everywhere else.
    if ((typeof value === 'string' && value !== '') || typeof value === 'number') out[field] = String(value);
  }
  // ENGRAM_YTDLP and ENGRAM_SMTP_URL are the documented short forms.
  if (service === 'ytdlp' && !out.path && env.ENGRAM_YTDLP) out.path = env.ENGRAM_YTDLP;
  return Object.keys(out).length ? out : undefined;
}

/** A settings summary safe to print: the key is never shown. */
export function describeSettings(s: ServiceSettings | undefined): string {
  if (!s) return 'not configured';
  return [s.url, s.model && `model ${s.model}`, s.context && `context ${s.context} tokens`, s.path, s.key && 'key set'].filter(Boolean).join(', ');
}
