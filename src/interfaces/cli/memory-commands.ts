/** add, query, list, get, update, delete, reinforce: one memory at a time, local or remote. */
import { readFile } from 'node:fs/promises';
import type { MemoryView } from '../../sdk/types.js';
import {
  TARGET_OPTIONS,
  UsageError,
  compact,
  jsonObjectOption,
  listOption,
  numberOption,
  parseCommand,
  sectorOption,
} from './args.js';
import { TARGET_HELP, type Command } from './command.js';
import { historyText } from '../history-text.js';
import type { Io } from './io.js';
import { clip, fixed, isoTime, printJson, printRecord, printTable } from './output.js';
import { withTarget } from './target.js';

const CONTENT_OPTIONS = {
  tags: { type: 'string' },
  metadata: { type: 'string' },
} as const;

function printMemory(io: Io, json: boolean | undefined, m: MemoryView): void {
  if (json) {
    printJson(io, m);
    return;
  }
  printRecord(io, {
    id: m.id,
    user: m.user_id ?? '(default)',
    sector: `${m.primary_sector} [${m.sectors.join(', ')}]`,
    salience: fixed(m.salience),
    tags: (m.tags ?? []).join(', '),
    metadata: m.metadata,
    created: isoTime(m.created_at),
    updated: isoTime(m.updated_at),
    content: m.content,
  });
}

/** The content to add: the argument, standard input for `-`, or a file; exactly one of them. */
async function contentArgument(positional: string | undefined, file: string | undefined): Promise<string> {
  if ((positional === undefined) === (file === undefined))
    throw new UsageError('give the content as an argument, - for standard input, or --file F (one of them)');
  if (file !== undefined) {
    try {
      return await readFile(file, 'utf8');
    } catch (err) {
      throw new UsageError(
        `--file ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
      );
    }
  }
  if (positional !== '-') return positional!;
  if (process.stdin.isTTY) throw new UsageError('- reads the content from standard input; pipe something into it');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const add: Command = {
  summary: 'store a memory',
  help: `usage: openmemory add <content | - | --file F> [options]
  -                read the content from standard input (long text, pipes)
  --file F         read the content from file F
  --tags a,b       tags
  --metadata JSON  metadata object
  --sector S       force the primary sector
  --salience N     initial salience (0..1)${TARGET_HELP}`,
  async run(args, io) {
    const { values, positionals } = parseCommand(
      args,
      {
        ...TARGET_OPTIONS,
        ...CONTENT_OPTIONS,
        sector: { type: 'string' },
        salience: { type: 'string' },
        file: { type: 'string' },
      },
      { min: 0, max: 1, names: 'the content (quote it), - for standard input, or --file F' },
    );
    const content = await contentArgument(positionals[0], values.file);
    const options = compact({
      user_id: values.user,
      tags: listOption(values.tags),
      metadata: jsonObjectOption(values.metadata, 'metadata'),
      sector: sectorOption(values.sector),
      salience: numberOption(values.salience, 'salience', 0, 1),
    });
    const r = await withTarget(values, io, (api) => api.add(content, options));
    if (values.json) printJson(io, r);
    else io.out(`${r.deduplicated ? 'reinforced existing' : 'stored'} ${r.id} (${r.primary_sector})`);
    return 0;
  },
};

const query: Command = {
  summary: "rank the user's memories for a query",
  help: `usage: openmemory query <text> [options]
  --k N            number of results (1..100, default 8)
  --sector S       only this primary sector
  --min-score N    minimum salience (0..1; v1.2's min_score)
  --tags a,b       only memories with all these tags${TARGET_HELP}`,
  async run(args, io) {
    const { values, positionals } = parseCommand(
      args,
      {
        ...TARGET_OPTIONS,
        k: { type: 'string' },
        sector: { type: 'string' },
        'min-score': { type: 'string' },
        tags: { type: 'string' },
      },
      { min: 1, max: 1, names: 'the query text (quote it)' },
    );
    const options = compact({
      user_id: values.user,
      k: numberOption(values.k, 'k', 1, 100, true),
      sector: sectorOption(values.sector),
      min_score: numberOption(values['min-score'], 'min-score', 0, 1),
      tags: listOption(values.tags),
    });
    const r = await withTarget(values, io, (api) => api.search(positionals[0]!, options));
    if (values.json) printJson(io, r);
    else
      printTable(
        io,
        ['#', 'score', 'sector', 'id', 'content'],
        r.matches.map((m, i) => [String(i + 1), fixed(m.score), m.primary_sector, m.id, clip(m.content, 60)]),
        'no memories matched',
      );
    return 0;
  },
};

const list: Command = {
  summary: "list the user's memories, newest first",
  help: `usage: openmemory list [options]
  --limit N        at most N (1..1000, default 100)
  --offset N       skip N
  --sector S       only this primary sector${TARGET_HELP}`,
  async run(args, io) {
    const { values } = parseCommand(
      args,
      { ...TARGET_OPTIONS, limit: { type: 'string' }, offset: { type: 'string' }, sector: { type: 'string' } },
      { min: 0, max: 0, names: '' },
    );
    const options = compact({
      user_id: values.user,
      limit: numberOption(values.limit, 'limit', 1, 1000, true),
      offset: numberOption(values.offset, 'offset', 0, 1_000_000_000, true),
      sector: sectorOption(values.sector),
    });
    const items = await withTarget(values, io, (api) => api.list(options));
    if (values.json) printJson(io, items);
    else
      printTable(
        io,
        ['id', 'sector', 'salience', 'created', 'content'],
        items.map((m) => [m.id, m.primary_sector, fixed(m.salience), isoTime(m.created_at), clip(m.content, 50)]),
        'no memories',
      );
    return 0;
  },
};

const ID = { min: 1, max: 1, names: 'a memory id' };

const get: Command = {
  summary: 'show one memory',
  help: `usage: openmemory get <id> [options]${TARGET_HELP}`,
  async run(args, io) {
    const { values, positionals } = parseCommand(args, TARGET_OPTIONS, ID);
    printMemory(
      io,
      values.json,
      await withTarget(values, io, (api) => api.get(positionals[0]!, compact({ user_id: values.user }))),
    );
    return 0;
  },
};

const update: Command = {
  summary: "change a memory's content, tags or metadata",
  help: `usage: openmemory update <id> [options]
  --content TEXT   new content (re-embedded)
  --tags a,b       replace the tags
  --metadata JSON  replace the metadata${TARGET_HELP}`,
  async run(args, io) {
    const { values, positionals } = parseCommand(
      args,
      { ...TARGET_OPTIONS, ...CONTENT_OPTIONS, content: { type: 'string' } },
      ID,
    );
    const changes = compact({
      user_id: values.user,
      content: values.content,
      tags: listOption(values.tags),
      metadata: jsonObjectOption(values.metadata, 'metadata'),
    });
    if (changes.content === undefined && changes.tags === undefined && changes.metadata === undefined) {
      throw new UsageError('give at least one of --content, --tags, --metadata');
    }
    printMemory(io, values.json, await withTarget(values, io, (api) => api.update(positionals[0]!, changes)));
    return 0;
  },
};

const del: Command = {
  summary: 'delete a memory with its vectors and links',
  help: `usage: openmemory delete <id> [options]${TARGET_HELP}`,
  async run(args, io) {
    const { values, positionals } = parseCommand(args, TARGET_OPTIONS, ID);
    const id = positionals[0]!;
    await withTarget(values, io, (api) => api.delete(id, compact({ user_id: values.user })));
    if (values.json) printJson(io, { ok: true, id });
    else io.out(`deleted ${id}`);
    return 0;
  },
};

const history: Command = {
  summary: "show a memory's changes (also of a deleted memory)",
  help: `usage: openmemory history <id> [options]
  Each add, update, reinforcement by hand, supersede and delete, oldest first, with the content
  before, the time and who made it (an API key id, admin or local).${TARGET_HELP}`,
  async run(args, io) {
    const { values, positionals } = parseCommand(args, TARGET_OPTIONS, ID);
    const id = positionals[0]!;
    const entries = await withTarget(values, io, (api) => api.history(id, compact({ user_id: values.user })));
    if (values.json) printJson(io, entries);
    else io.out(historyText(entries));
    return 0;
  },
};

const reinforce: Command = {
  summary: "raise a memory's salience",
  help: `usage: openmemory reinforce <id> [options]
  --boost N        amount added to salience (0..1, default 0.1)${TARGET_HELP}`,
  async run(args, io) {
    const { values, positionals } = parseCommand(args, { ...TARGET_OPTIONS, boost: { type: 'string' } }, ID);
    const id = positionals[0]!;
    const options = compact({ user_id: values.user, boost: numberOption(values.boost, 'boost', 0, 1) });
    const salience = await withTarget(values, io, (api) => api.reinforce(id, options));
    if (values.json) printJson(io, { id, salience });
    else io.out(`reinforced ${id}: salience ${fixed(salience)}`);
    return 0;
  },
};

export const MEMORY_COMMANDS: Record<string, Command> = {
  add,
  query,
  list,
  get,
  update,
  delete: del,
  history,
  reinforce,
};
