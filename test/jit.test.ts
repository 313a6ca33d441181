import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { COMPILER_FLAGS, compilerFlags, tuneCompiler } from '../src/jit.js';

describe('compiler settings', () => {
  it('are flags this Node\'s V8 knows (an unknown one is only a warning at run time, and would go unnoticed)', () => {
    const r = spawnSync(process.execPath, [...COMPILER_FLAGS, '-e', 'process.stdout.write("ran")'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('ran');
  });

  it('are set while the process runs, without a warning, and setting them again does nothing', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `
      const { tuneCompiler } = await import(${JSON.stringify(new URL('../dist/jit.js', import.meta.url).href)});
      tuneCompiler(); tuneCompiler();
      process.stdout.write('ran');`], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('ran');
    expect(() => tuneCompiler()).not.toThrow();
  });

  it('leave a flag the user gave node as it is', () => {
    expect(compilerFlags([])).toEqual([...COMPILER_FLAGS]);
    expect(compilerFlags(['--interrupt_budget=1000', '--cpu-prof'])).toEqual(['--max-inlined-bytecode-size-cumulative=300']);
    expect(compilerFlags(['--max-inlined-bytecode-size-cumulative=10', '--interrupt-budget=5'])).toEqual([]);
  });
});
