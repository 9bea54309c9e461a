/** A name for the layout a database is in, from its schema (never from its version rows alone). */
import type { SchemaFacts } from './facts.js';

export function describeLayout(f: SchemaFacts): string {
  if (f.isEmpty) return 'empty (a fresh install will be created)';
  if (!f.hasOpenMemoryTable) return 'not an OpenMemory database';
  if (!f.has('memories')) return 'incomplete OpenMemory database (no memories table)';
  if (!f.hasColumn('memories', 'segment') || !f.hasColumn('memories', 'user_id'))
    return 'OpenMemory release 1.1.x (no user_id, no users table)';
  if (f.hasColumn('memories', 'project_id'))
    return 'OpenMemory head (project_id columns; on SQLite the vector table is openmemory_vectors)';
  if (!f.hasColumn('vectors', 'user_id') || !f.hasColumn('waypoints', 'user_id')) {
    return 'OpenMemory pre-1.2 (memories.user_id; vectors and waypoints without user_id)';
  }
  if (f.primaryKey('waypoints').join(',') !== 'src_id,dst_id') {
    return f.primaryKey('waypoints').length === 0
      ? 'OpenMemory v1.2, half-migrated (waypoints without a primary key)'
      : f.hasTable('temporal_facts')
        ? 'OpenMemory v1.2.3 to v1.3 (temporal facts without users)'
        : 'OpenMemory v1.2';
  }
  return 'OpenMemory 2.x';
}
