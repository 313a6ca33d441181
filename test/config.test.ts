import { describe, expect, it } from 'vitest';
import { readLibraryConfig, serviceSettings, writeLibraryConfig, describeSettings } from '../src/config.js';
import { tempDir } from './helpers.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

describe('service settings', () => {
  it('take flags, else environment, else the library config file, field by field', () => {
    const dir = tempDir();
    writeLibraryConfig(dir, { llm: { url: 'http://file/v1', model: 'file-model', key: 'file-key' } });
    const config = readLibraryConfig(dir);
    const env = { ENGRAM_LLM_MODEL: 'env-model' };
    expect(serviceSettings('llm', { config, env })).toEqual({ url: 'http://file/v1', model: 'env-model', key: 'file-key' });
    expect(serviceSettings('llm', { config, env, flags: { model: 'flag-model' } })?.model).toBe('flag-model');
    expect(serviceSettings('asr', { config, env: {} })).toBeUndefined();
    expect(serviceSettings('ytdlp', { env: { ENGRAM_YTDLP: '/opt/yt-dlp' } })).toEqual({ path: '/opt/yt-dlp' });
    expect(describeSettings(serviceSettings('llm', { config, env: {} }))).not.toContain('file-key');
    expect(serviceSettings('llm', { config, env: { ENGRAM_LLM_CONTEXT: '32768' } })?.context).toBe('32768');
    expect(serviceSettings('llm', { config: { llm: { url: 'http://h/v1', context: 16384 as unknown as string } }, env: {} })?.context).toBe('16384');
  });

  it('names the file when it is malformed', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), '{ nope');
    expect(() => readLibraryConfig(dir)).toThrow(/config\.json/);
  });
});
