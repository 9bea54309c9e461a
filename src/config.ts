/**
 * The one configuration object, parsed from the environment once at start-up.
 * Variable names are OpenMemory v1.2's. Nothing else reads process.env.
 */
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from './errors.js';

export type Backend = 'sqlite' | 'postgres';
export type EmbeddingProvider = 'synthetic' | 'openai' | 'gemini' | 'ollama' | 'aws' | 'local';

export interface PgConfig {
  /** A connection string when OM_PG_URL is set, otherwise the discrete settings. */
  url: string | null;
  host: string | null;
  port: number | null;
  database: string;
  user: string | null;
  password: string | null;
  ssl: 'require' | 'disable' | null;
  schema: string;
  memoriesTable: string;
  vectorsTable: string;
}

/** Bounds on document ingestion (docs/security-ingest.md); past any, the request is refused and nothing is stored. */
export interface IngestLimits {
  /** A document's bytes: decoded upload, or fetched page. */
  maxBytes: number;
  /** Bytes a DOCX inflates to, counted while inflating. */
  maxInflatedBytes: number;
  /** Elements open inside one another in HTML (also the HTML a DOCX becomes). */
  maxDepth: number;
  maxPages: number;
  /** Characters of extracted text. */
  maxTextChars: number;
  /** Sections one ingest stores (each a memory, besides the root). */
  maxSections: number;
  /** Wall time of one parse. */
  timeoutMs: number;
  /** Memory of one parser process (heap limit, and resident size where the OS reports it). */
  maxMemoryMb: number;
  /** Parses at once, each in its own process. */
  concurrency: number;
  /** Parses waiting for a free parser; past it a request is refused as busy. */
  queue: number;
}

export interface Config {
  backend: Backend;
  /** Absolute path of the SQLite file. */
  dbPath: string;
  pg: PgConfig;
  autoMigrate: boolean;
  /**
   * OM_UPGRADE_USER_MAP: upstream user ids (HEAD's tenant hashes, …) renamed when an upstream
   * database is upgraded; `null` is the default user. Applied over the built-in renames
   * (src/store/migrate/user-map.ts).
   */
  upgradeUserMap: ReadonlyArray<readonly [string, string | null]>;
  port: number;
  host: string;
  /** Allow binding beyond loopback without an API key. */
  allowInsecureBind: boolean;
  /**
   * Worker threads `serve` runs engines on, users divided among them (HTTP stays on the main
   * thread); 0: the engine runs on the main thread.
   */
  engineThreads: number;
  /**
   * Memory the user models held in process may take (estimated), shared by the engine threads;
   * past it the least recently used are dropped and loaded again on their next use.
   */
  modelMemoryMb: number;
  /**
   * Host names accepted besides localhost/127.0.0.1/[::1] while the keyless loopback server
   * guards against DNS rebinding; `null` turns the guard off (OM_ALLOWED_HOSTS=*).
   */
  allowedHosts: string[] | null;
  apiKey: string | null;
  /**
   * Origins (`scheme://host[:port]`) whose pages may read replies (CORS); `'*'`: any origin, an
   * explicit opt-in only safe with OM_API_KEY. Empty: no CORS headers at all.
   */
  corsOrigins: string[] | '*';
  maxPayloadBytes: number;
  /** Memories one user may hold (add, batch, ingest past it → 413 quota_exceeded); 0 = no limit. */
  maxMemoriesPerUser: number;
  rateLimit: { enabled: boolean; windowMs: number; max: number };
  embeddings: {
    provider: EmbeddingProvider;
    dim: number;
    /** OM_VEC_DIM when set: asked of providers that can shorten vectors, and checked against their answer. */
    requestedDim: number | null;
    mode: 'simple' | 'advanced';
    openai: { apiKey: string | null; baseUrl: string; model: string | null };
    gemini: { apiKey: string | null; baseUrl: string; model: string };
    ollama: { url: string; model: string };
    aws: {
      region: string | null;
      accessKeyId: string | null;
      secretAccessKey: string | null;
      sessionToken: string | null;
      /** Replaces `https://bedrock-runtime.{region}.amazonaws.com` (VPC endpoints, tests). */
      endpoint: string | null;
      model: string;
    };
    /** OM_EMBEDDINGS=local: where its piece table is kept between starts (made on the first). */
    local: { cacheDir: string };
    timeoutMs: number;
    maxRetries: number;
    retryBaseMs: number;
    batchSize: number;
    concurrency: number;
    cacheSize: number;
  };
  engine: {
    keywordBoost: number;
    keywordMinLength: number;
    reinforceOnQuery: boolean;
    /** Order query candidates by reciprocal-rank fusion of their signals (else by v1.2's weighted composite). */
    rankFusion: boolean;
    /** Link memories of one thread (metadata `thread_id`) in the order they are added. */
    threadLinks: boolean;
    /** Weight of the link from a thread's memory back to the one before it (forward: core/thread THREAD_LINK_WEIGHT). */
    threadBackWeight: number;
    /** Share of a text hit's BM25 its linked neighbours (thread turns, similar memories) earn as context; 0: off. */
    contextShare: number;
    maxActiveQueries: number;
  };
  jobs: {
    decayIntervalMinutes: number;
    pruneIntervalMinutes: number;
    autoReflect: boolean;
    reflectIntervalMinutes: number;
    reflectMinMemories: number;
    userSummaryIntervalMinutes: number;
  };
  lgm: { namespace: string; maxContext: number; reflective: boolean };
  ingest: IngestLimits;
  mode: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
}

type Env = Record<string, string | undefined>;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

function str(env: Env, name: string): string | null {
  const v = env[name];
  return v === undefined || v.trim() === '' ? null : v.trim();
}

function first(env: Env, ...names: string[]): string | null {
  for (const n of names) {
    const v = str(env, n);
    if (v !== null) return v;
  }
  return null;
}

function int(env: Env, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const v = str(env, name);
  if (v === null) return fallback;
  if (!/^-?\d+$/.test(v)) throw new ConfigError(name, `must be an integer, got "${v}"`);
  const n = Number(v);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function num(env: Env, name: string, fallback: number, min = -Infinity, max = Infinity): number {
  const v = str(env, name);
  if (v === null) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new ConfigError(name, `must be a number, got "${v}"`);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const v = str(env, name);
  if (v === null) return fallback;
  const l = v.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(l)) return true;
  if (['false', '0', 'no', 'off'].includes(l)) return false;
  throw new ConfigError(name, `must be true or false, got "${v}"`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const v = str(env, name);
  if (v === null) return fallback;
  const l = v.toLowerCase() as T;
  if (!allowed.includes(l)) throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${v}"`);
  return l;
}

function identifier(env: Env, name: string, fallback: string): string {
  const v = str(env, name) ?? fallback;
  if (!IDENTIFIER.test(v)) {
    throw new ConfigError(
      name,
      `must be a plain SQL identifier (letters, digits, _; at most 63 characters), got "${v}"`,
    );
  }
  return v;
}

/** A URL as it may be printed: a password in it becomes `***` (also in text that does not parse as a URL). */
export function withoutPassword(text: string): string {
  return text.replace(/(\/\/[^/:@\s]*:)[^@/\s]*@/, '$1***@');
}

function url(env: Env, name: string, fallback: string | null): string | null {
  const v = str(env, name) ?? fallback;
  if (v === null) return null;
  try {
    new URL(v);
  } catch {
    throw new ConfigError(name, `must be a URL, got "${withoutPassword(v)}"`);
  }
  return v.replace(/\/+$/, '');
}

/** Comma-separated host names (lower-cased, without port); `*` alone means any host (`null`). */
function hostList(env: Env, name: string): string[] | null {
  const v = str(env, name);
  if (v === null) return [];
  if (v === '*') return null;
  const hosts = v
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
  const bad = hosts.find((h) => !/^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])$/.test(h));
  if (bad !== undefined)
    throw new ConfigError(name, `must be host names without ports separated by commas, or *; got "${bad}"`);
  return hosts;
}

/** A shorter or less varied OM_API_KEY is refused at start-up: it would be guessed. */
export const MIN_API_KEY_LENGTH = 16;
export const MIN_API_KEY_DISTINCT_CHARS = 5;

function apiKeyVar(env: Env, name: string): string | null {
  const v = str(env, name);
  if (v === null) return null;
  if (v.length < MIN_API_KEY_LENGTH || new Set(v).size < MIN_API_KEY_DISTINCT_CHARS) {
    throw new ConfigError(
      name,
      `must be at least ${MIN_API_KEY_LENGTH} characters with at least ${MIN_API_KEY_DISTINCT_CHARS} different ones ` +
        '(e.g. openssl rand -hex 24)',
    );
  }
  return v;
}

/** Comma-separated exact origins (`https://app.example:3000`, no path), or `*` alone for any. */
function originList(env: Env, name: string): string[] | '*' {
  const v = str(env, name);
  if (v === null) return [];
  if (v === '*') return '*';
  return v
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '')
    .map((o) => {
      const u = URL.canParse(o) ? new URL(o) : null;
      // Only scheme://host[:port]: a path, a trailing slash or a wildcard would never equal an Origin header.
      const parts =
        u && !u.username && !u.search && !u.hash && u.pathname === '/' && !o.endsWith('/') && !o.includes('*');
      if (!u || !parts || !/^https?:$/.test(u.protocol)) {
        throw new ConfigError(
          name,
          `must be origins like https://app.example:3000 (no path) separated by commas, or *; got "${o}"`,
        );
      }
      return u.origin;
    });
}

/** `from:to,…` (split at the first colon: upstream's tenant ids hold none); `to` = `@default` is the default user. */
function userMap(env: Env, name: string): Array<[string, string | null]> {
  const v = str(env, name);
  if (v === null) return [];
  return v.split(',').map((pair) => {
    const at = pair.indexOf(':');
    const [from, to] = [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
    if (at < 1 || to === '')
      throw new ConfigError(
        name,
        `must be upstream-user:user pairs separated by commas (@default for the default user); got "${pair}"`,
      );
    return [from, to === '@default' ? null : to];
  });
}

/**
 * OM_MODEL_MEMORY_MB when unset: a quarter of the machine's memory, at least 64 MB and at most 2 GB.
 * Models' typed arrays are most of their size but the process holds more (heap, SQLite cache,
 * requests): at 320 MB of models the server was measured at 820 MB resident, so a quarter keeps it
 * near half the machine; past 2 GB a shared server would lend the cache more than it asked for.
 */
export function defaultModelMemoryMb(totalBytes = os.totalmem()): number {
  return Math.min(2048, Math.max(64, Math.floor(totalBytes / 4 / 2 ** 20)));
}

/** Parses the environment; throws {@link ConfigError} naming the first bad variable. */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Readonly<Config> {
  const backend = oneOf(env, 'OM_METADATA_BACKEND', ['sqlite', 'postgres'] as const, 'sqlite');
  const pgUrl = url(env, 'OM_PG_URL', null);
  const dbPath = path.resolve(cwd, str(env, 'OM_DB_PATH') ?? 'data/openmemory.sqlite');
  const apiKey = apiKeyVar(env, 'OM_API_KEY');
  const provider = oneOf(
    env,
    'OM_EMBEDDINGS',
    ['synthetic', 'openai', 'gemini', 'ollama', 'aws', 'local'] as const,
    'synthetic',
  );
  const config: Config = {
    backend,
    dbPath,
    pg: {
      url: pgUrl,
      host: str(env, 'OM_PG_HOST'),
      port: str(env, 'OM_PG_PORT') === null ? null : int(env, 'OM_PG_PORT', 5432, 1, 65535),
      database: identifier(env, 'OM_PG_DB', 'openmemory'),
      user: str(env, 'OM_PG_USER'),
      password: env.OM_PG_PASSWORD ?? null,
      ssl: str(env, 'OM_PG_SSL') === null ? null : oneOf(env, 'OM_PG_SSL', ['require', 'disable'] as const, 'disable'),
      schema: identifier(env, 'OM_PG_SCHEMA', 'public'),
      memoriesTable: identifier(env, 'OM_PG_TABLE', 'openmemory_memories'),
      vectorsTable: identifier(env, 'OM_VECTOR_TABLE', 'openmemory_vectors'),
    },
    autoMigrate: bool(env, 'OM_AUTO_MIGRATE', true),
    upgradeUserMap: userMap(env, 'OM_UPGRADE_USER_MAP'),
    port: int(env, 'OM_PORT', 8080, 0, 65535),
    host: str(env, 'OM_HOST') ?? '127.0.0.1',
    allowInsecureBind: bool(env, 'OM_ALLOW_INSECURE_BIND', false),
    // A second thread pays off only with a second core to run it.
    engineThreads: int(env, 'OM_ENGINE_THREADS', os.availableParallelism() > 1 ? 1 : 0, 0, 64),
    modelMemoryMb: int(env, 'OM_MODEL_MEMORY_MB', defaultModelMemoryMb(), 1, 2 ** 20),
    allowedHosts: hostList(env, 'OM_ALLOWED_HOSTS'),
    apiKey,
    corsOrigins: originList(env, 'OM_CORS_ORIGINS'),
    maxPayloadBytes: int(env, 'OM_MAX_PAYLOAD_SIZE', 1_000_000, 1024),
    maxMemoriesPerUser: int(env, 'OM_MAX_MEMORIES_PER_USER', 0, 0),
    rateLimit: {
      enabled: bool(env, 'OM_RATE_LIMIT_ENABLED', false),
      windowMs: int(env, 'OM_RATE_LIMIT_WINDOW_MS', 60_000, 1),
      max: int(env, 'OM_RATE_LIMIT_MAX_REQUESTS', 100, 1),
    },
    embeddings: {
      provider,
      dim: int(env, 'OM_VEC_DIM', 256, 8, 65536),
      requestedDim: str(env, 'OM_VEC_DIM') === null ? null : int(env, 'OM_VEC_DIM', 256, 8, 65536),
      mode: str(env, 'OM_EMBED_MODE')?.toLowerCase() === 'advanced' ? 'advanced' : 'simple',
      openai: {
        apiKey: first(env, 'OPENAI_API_KEY', 'OM_OPENAI_API_KEY'),
        baseUrl: url(env, 'OM_OPENAI_BASE_URL', 'https://api.openai.com/v1')!,
        model: str(env, 'OM_OPENAI_MODEL'),
      },
      gemini: {
        apiKey: first(env, 'GEMINI_API_KEY', 'OM_GEMINI_API_KEY'),
        baseUrl: url(env, 'OM_GEMINI_BASE_URL', 'https://generativelanguage.googleapis.com')!,
        model: str(env, 'OM_GEMINI_MODEL') ?? 'embedding-001',
      },
      ollama: {
        url: (first(env, 'OLLAMA_URL', 'OM_OLLAMA_URL') ?? 'http://localhost:11434').replace(/\/+$/, ''),
        model: str(env, 'OM_OLLAMA_MODEL') ?? 'nomic-embed-text',
      },
      aws: {
        region: first(env, 'AWS_REGION', 'AWS_DEFAULT_REGION'),
        accessKeyId: str(env, 'AWS_ACCESS_KEY_ID'),
        secretAccessKey: str(env, 'AWS_SECRET_ACCESS_KEY'),
        sessionToken: str(env, 'AWS_SESSION_TOKEN'),
        endpoint: url(env, 'AWS_ENDPOINT_URL_BEDROCK_RUNTIME', null) ?? url(env, 'AWS_ENDPOINT_URL', null),
        model: str(env, 'OM_AWS_MODEL') ?? 'amazon.titan-embed-text-v2:0',
      },
      local: {
        cacheDir: path.resolve(
          cwd,
          str(env, 'OM_LOCAL_EMBED_CACHE_DIR') ??
            path.join(str(env, 'XDG_CACHE_HOME') ?? path.join(os.homedir(), '.cache'), 'openmemory'),
        ),
      },
      timeoutMs: int(env, 'OM_EMBED_TIMEOUT_MS', 30_000, 1),
      maxRetries: int(env, 'OM_EMBED_MAX_RETRIES', 3, 0, 20),
      retryBaseMs: int(env, 'OM_EMBED_RETRY_BASE_MS', 500, 0, 60_000),
      batchSize: int(env, 'OM_EMBED_BATCH_SIZE', 64, 1, 2048),
      concurrency: int(env, 'OM_EMBED_CONCURRENCY', 4, 1, 64),
      cacheSize: int(env, 'OM_EMBED_CACHE_SIZE', 2048, 0),
    },
    engine: {
      keywordBoost: num(env, 'OM_KEYWORD_BOOST', 2.5, 0),
      keywordMinLength: int(env, 'OM_KEYWORD_MIN_LENGTH', 3, 1, 64),
      reinforceOnQuery: bool(env, 'OM_DECAY_REINFORCE_ON_QUERY', true),
      rankFusion: bool(env, 'OM_RANK_FUSION', true),
      threadLinks: bool(env, 'OM_THREAD_LINKS', true),
      threadBackWeight: num(env, 'OM_THREAD_BACK_WEIGHT', 0.6, 0.1, 1),
      contextShare: num(env, 'OM_CONTEXT_SHARE', 0.5, 0),
      maxActiveQueries: int(env, 'OM_MAX_ACTIVE', 64, 1),
    },
    jobs: {
      decayIntervalMinutes: num(env, 'OM_DECAY_INTERVAL_MINUTES', 1440, 0),
      pruneIntervalMinutes: num(env, 'OM_PRUNE_INTERVAL_MINUTES', 10_080, 0),
      autoReflect: bool(env, 'OM_AUTO_REFLECT', false),
      reflectIntervalMinutes: num(env, 'OM_REFLECT_INTERVAL', 10, 0),
      reflectMinMemories: int(env, 'OM_REFLECT_MIN_MEMORIES', 20, 2),
      userSummaryIntervalMinutes: num(env, 'OM_USER_SUMMARY_INTERVAL', 30, 0),
    },
    lgm: {
      namespace: str(env, 'OM_LG_NAMESPACE') ?? 'default',
      maxContext: int(env, 'OM_LG_MAX_CONTEXT', 50, 1),
      reflective: bool(env, 'OM_LG_REFLECTIVE', true),
    },
    ingest: {
      maxBytes: int(env, 'OM_INGEST_MAX_BYTES', 10_000_000, 1024),
      maxInflatedBytes: int(env, 'OM_INGEST_MAX_INFLATED_BYTES', 20_000_000, 1024),
      maxDepth: int(env, 'OM_INGEST_MAX_DEPTH', 256, 8, 10_000),
      maxPages: int(env, 'OM_INGEST_MAX_PAGES', 1000, 1),
      maxTextChars: int(env, 'OM_INGEST_MAX_TEXT_CHARS', 2_000_000, 1000),
      maxSections: int(env, 'OM_INGEST_MAX_SECTIONS', 500, 1),
      timeoutMs: int(env, 'OM_INGEST_TIMEOUT_MS', 20_000, 100),
      maxMemoryMb: int(env, 'OM_INGEST_MAX_MEMORY_MB', 512, 64),
      concurrency: int(env, 'OM_INGEST_CONCURRENCY', 2, 1, 64),
      queue: int(env, 'OM_INGEST_QUEUE', 8, 0),
    },
    mode: str(env, 'OM_MODE') ?? 'standard',
    logLevel: oneOf(env, 'OM_LOG_LEVEL', ['debug', 'info', 'warn', 'error', 'silent'] as const, 'info'),
  };
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): Readonly<T> {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
