/** The services `openmemory import --from` reads, with where their key and address come from. */
import { mem0Source, MEM0_BASE_URL } from './mem0.js';
import { openMemorySource } from './openmemory.js';
import type { MemorySource, SourceOptions } from './source.js';
import { supermemorySource, SUPERMEMORY_BASE_URL } from './supermemory.js';
import { zepSource, ZEP_BASE_URL } from './zep.js';

export interface Provider {
  create(options: SourceOptions): MemorySource;
  /** The environment variable holding the API key. */
  keyEnv: string;
  /** Without a key the service refuses (a keyless OpenMemory server does not). */
  keyRequired: boolean;
  /** The environment variable overriding the address, and the default address (none: `--url` is required). */
  urlEnv: string | null;
  baseUrl: string | null;
  /** The source user must be named (the service has no default user). */
  userRequired: boolean;
}

export const PROVIDERS: Readonly<Record<string, Provider>> = Object.freeze({
  mem0: {
    create: mem0Source,
    keyEnv: 'MEM0_API_KEY',
    keyRequired: true,
    urlEnv: 'MEM0_BASE_URL',
    baseUrl: MEM0_BASE_URL,
    userRequired: true,
  },
  zep: {
    create: zepSource,
    keyEnv: 'ZEP_API_KEY',
    keyRequired: true,
    urlEnv: 'ZEP_BASE_URL',
    baseUrl: ZEP_BASE_URL,
    userRequired: true,
  },
  supermemory: {
    create: supermemorySource,
    keyEnv: 'SUPERMEMORY_API_KEY',
    keyRequired: true,
    urlEnv: 'SUPERMEMORY_BASE_URL',
    baseUrl: SUPERMEMORY_BASE_URL,
    userRequired: false,
  },
  'openmemory-url': {
    create: openMemorySource,
    keyEnv: 'OPENMEMORY_API_KEY',
    keyRequired: false,
    urlEnv: null,
    baseUrl: null,
    userRequired: false,
  },
});
