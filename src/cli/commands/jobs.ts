import { listJobs, retryJobs, type Job, type JobState } from '../../store/follow.js';
import { EXIT, libraryOption, UsageError, type Command } from '../command.js';
import { openFor } from '../library.js';

export const jobsCommand: Command = {
  name: 'jobs',
  usage: `engram jobs [--failed] [--all] [--source NAME] [--json]
engram jobs retry ID...|--all

Items of followed sources on their way into the library: pending (discovered, fetched,
transcribed), waiting (for a recognizer or yt-dlp), skipped (live, upcoming, members-only) and
failed (with the reason). \`retry\` re-queues failed items; the next \`engram update\` fetches them.

Options:
  --failed        only failed items
  --all           include items already in the library
  --source NAME   only this followed source
  --json          machine-readable output

Exit code: 0 done, 1 nothing to retry matched, 2 usage error.`,
  options: { ...libraryOption, failed: { type: 'boolean' }, all: { type: 'boolean' }, source: { type: 'string' }, json: { type: 'boolean' } },
  positionals: true,
  run(values, args, io) {
    const { db } = openFor(values, io, 'write');
    try {
      if (args[0] === 'retry') {
        const ids = args.slice(1);
        if (!values.all && ids.length === 0) throw new UsageError('jobs retry needs job IDs or --all');
        if (ids.some((id) => !/^\d+$/.test(id))) throw new UsageError(`job IDs are numbers (see \`engram jobs --failed\`), not "${ids.join(' ')}"`);
        const n = retryJobs(db, values.all ? 'all' : ids.map(Number));
        io.out.write(`${n} failed item${n === 1 ? '' : 's'} re-queued: \`engram update\` fetches ${n === 1 ? 'it' : 'them'}\n`);
        return n > 0 ? EXIT.ok : EXIT.partial;
      }
      if (args.length) throw new UsageError(`unknown subcommand "${args[0]}"`);
      const states: JobState[] | undefined = values.failed ? ['failed'] : values.all ? undefined : ['discovered', 'fetched', 'transcribed', 'waiting', 'skipped', 'failed'];
      const jobs = listJobs(db, { states, source: values.source as string | undefined });
      if (values.json) {
        io.out.write(JSON.stringify(jobs.map(toJson), null, 2) + '\n');
        return EXIT.ok;
      }
      if (jobs.length === 0) io.out.write(values.failed ? 'no failed items\n' : 'no items pending\n');
      for (const j of jobs) {
        const retry = j.nextAt > Date.now() ? `, next attempt ${new Date(j.nextAt).toISOString().slice(0, 16).replace('T', ' ')}` : '';
        io.out.write(`${String(j.id).padStart(5)}  ${j.state.padEnd(11)} ${j.sourceName}: ${j.title ?? j.itemKey}${j.date ? ` (${j.date})` : ''}\n`);
        if (j.error) io.out.write(`       ${j.error}${j.attempts ? ` (attempt ${j.attempts}${retry})` : retry}\n`);
      }
      return EXIT.ok;
    } finally {
      db.close();
    }
  },
};

function toJson(j: Job) {
  return {
    id: j.id, source: j.sourceName, item: j.itemKey, title: j.title, url: j.url, date: j.date, state: j.state,
    attempts: j.attempts, nextAttempt: j.nextAt ? new Date(j.nextAt).toISOString() : null, error: j.error, errorKind: j.errorKind, updatedAt: j.updatedAt,
  };
}
