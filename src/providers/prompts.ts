/**
 * Prompts live in files, not in code: `prompts/NAME.md` ships with engram, and a library can
 * override any of them with `LIBRARY/prompts/NAME.md`. A prompt file is a small header and two
 * sections:
 *
 *   ---
 *   name: summary
 *   version: 3
 *   ---
 *   ## system
 *   You summarize …
 *   ## user
 *   … {{transcript}} …
 *
 * `{{var}}` placeholders are filled by the caller; a placeholder with no value is an error
 * naming the file (a typo in an override must not send a prompt with a hole in it). The
 * version is recorded with everything generated from the prompt (`summary@3`, or
 * `summary@3 (library)` for an override), so a changed prompt is visible in provenance.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChatMessage } from './llm.js';

/** The prompts engram ships, next to `src/` and `dist/`. */
export const SHIPPED_PROMPTS = fileURLToPath(new URL('../../prompts/', import.meta.url));

export interface Prompt {
  name: string;
  version: string;
  origin: 'shipped' | 'library';
  /** The file it was read from (for error messages). */
  path: string;
  system: string;
  user: string;
}

/** `summary@3`, or `summary@3 (library)` when the library overrides the shipped prompt. */
export function promptLabel(p: Prompt): string {
  return `${p.name}@${p.version}${p.origin === 'library' ? ' (library)' : ''}`;
}

export function parsePrompt(text: string, path: string, origin: Prompt['origin'], fallbackName: string): Prompt {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const header: Record<string, string> = {};
  let i = 0;
  if (lines[0]?.trim() === '---') {
    for (i = 1; i < lines.length && lines[i]!.trim() !== '---'; i++) {
      const m = /^([\w-]+)\s*:\s*(.*)$/.exec(lines[i]!);
      if (m) header[m[1]!.toLowerCase()] = m[2]!.trim();
    }
    i++;
  }
  const sections: Record<string, string[]> = {};
  let current: string | undefined;
  for (; i < lines.length; i++) {
    const m = /^##\s*(system|user)\s*$/i.exec(lines[i]!);
    if (m) current = m[1]!.toLowerCase();
    else if (current) (sections[current] ??= []).push(lines[i]!);
  }
  const user = sections.user?.join('\n').trim();
  if (!user) throw new Error(`${path}: a prompt needs a "## user" section (and usually "## system")`);
  if (!header.version) throw new Error(`${path}: the header needs a version (--- version: 1 ---)`);
  return {
    name: header.name || fallbackName,
    version: header.version,
    origin,
    path,
    system: sections.system?.join('\n').trim() ?? '',
    user,
  };
}

/** The prompt `name`: the library's override when there is one, else the shipped file. */
export function loadPrompt(name: string, libraryDir?: string): Prompt {
  const override = libraryDir ? join(libraryDir, 'prompts', `${name}.md`) : undefined;
  if (override && existsSync(override)) return parsePrompt(readFileSync(override, 'utf8'), override, 'library', name);
  const shipped = join(SHIPPED_PROMPTS, `${name}.md`);
  if (!existsSync(shipped)) throw new Error(`no prompt "${name}" (looked for ${override ? `${override} and ` : ''}${shipped})`);
  return parsePrompt(readFileSync(shipped, 'utf8'), shipped, 'shipped', name);
}

/** Fill `{{var}}` placeholders. Every placeholder must have a value. */
export function fill(template: string, vars: Record<string, string>, path: string): string {
  return template.replace(/\{\{\s*([\w-]+)\s*\}\}/g, (_m, key: string) => {
    const v = vars[key];
    if (v === undefined) throw new Error(`${path}: placeholder {{${key}}} has no value (known: ${Object.keys(vars).join(', ')})`);
    return v;
  });
}

/** The chat messages of a prompt with its placeholders filled. */
export function renderPrompt(p: Prompt, vars: Record<string, string>): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (p.system) messages.push({ role: 'system', content: fill(p.system, vars, p.path) });
  messages.push({ role: 'user', content: fill(p.user, vars, p.path) });
  return messages;
}
