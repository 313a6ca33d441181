#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm install` (prepare) or `npm run build`.
import { tuneCompiler } from '../dist/jit.js';
import { main } from '../dist/cli/main.js';

tuneCompiler();

// A closed pipe (`engram search … | head`) is not an error: stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(`engram: ${err?.stack ?? err}`); process.exitCode = 1; },
);
