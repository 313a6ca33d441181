/**
 * Command-line side of service settings: every command that talks to a service takes the
 * same flags (`--llm-url`, `--llm-model`, `--llm-key`, `--llm-context`; likewise `asr`, `embed`; `--smtp-url`;
 * `--ytdlp`), which win over the environment and the library's config file (src/config.ts).
 */
import { readLibraryConfig, serviceSettings, type Service, type ServiceSettings } from '../config.js';
import { createLlm, LlmError, type Llm } from '../providers/llm.js';
import { PublicUrlError, resolvePublicUrl } from '../server/public-url.js';
import { UsageError, type Io, type Options, type Values } from './command.js';

const FLAG_FIELDS: Record<Service, (keyof ServiceSettings)[]> = {
  asr: ['url', 'model', 'key'],
  llm: ['url', 'model', 'key', 'context'],
  embed: ['url', 'model', 'key'],
  smtp: ['url'],
  ytdlp: ['path', 'cookies'],
};

const flagName = (service: Service, field: keyof ServiceSettings) =>
  service === 'ytdlp' ? (field === 'path' ? 'ytdlp' : field) : `${service}-${field}`;

/** The parseArgs options for a service's flags. */
export function serviceOptions(...services: Service[]): Options {
  const out: Options = {};
  for (const s of services) for (const f of FLAG_FIELDS[s]) out[flagName(s, f)] = { type: 'string' };
  return out;
}

/** Usage lines for a service's flags. */
export function serviceUsage(service: Service): string {
  const env = (f: string) => (service === 'ytdlp' && f === 'path' ? 'ENGRAM_YTDLP' : `ENGRAM_${service.toUpperCase()}_${f.toUpperCase()}`);
  return FLAG_FIELDS[service].map((f) => `  --${flagName(service, f).padEnd(12)} (else $${env(f)}, else config.json "${service}.${f}")`).join('\n');
}

/** A service's settings for a command: its flags, else the environment, else LIBRARY/config.json. */
export function settingsFor(service: Service, values: Values, io: Io, libraryDir: string): ServiceSettings | undefined {
  const flags: ServiceSettings = {};
  for (const f of FLAG_FIELDS[service]) {
    const v = values[flagName(service, f)];
    if (typeof v === 'string') flags[f] = v;
  }
  return serviceSettings(service, { flags, env: io.env, config: readLibraryConfig(libraryDir) });
}

/** The chat model a command answers with (flags, environment, config), or undefined; bad settings are a usage error. */
export function chatModelFor(values: Values, io: Io, libraryDir: string): Llm | undefined {
  try {
    return createLlm(settingsFor('llm', values, io, libraryDir));
  } catch (e) {
    if (e instanceof LlmError) throw new UsageError(e.message);
    throw e;
  }
}

/**
 * The web app's public address (`engram serve --public-url`, `engram digest --base-url`): the
 * flag, else ENGRAM_PUBLIC_URL, else `"publicUrl"` in LIBRARY/config.json, as an origin
 * (`https://kb.example.com`); undefined when none is set. An invalid value is a usage error
 * naming where it was set.
 */
export function publicUrlFor(values: Values, io: Io, libraryDir: string, flag = 'public-url'): string | undefined {
  const value = values[flag];
  try {
    return resolvePublicUrl({ flag: { name: `--${flag}`, value: typeof value === 'string' ? value : undefined }, env: io.env, libraryDir });
  } catch (e) {
    if (e instanceof PublicUrlError) throw new UsageError(e.message);
    throw e;
  }
}
