/**
 * Generates a SQLite database in the pre-1.2 shape that upstream commit 7b204df writes
 * (memories.user_id and users exist; vectors and waypoints have no user_id; waypoints keyed
 * by src_id), at any size, for the upgrade benchmark.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';

const PRE12_SCHEMA = `
CREATE TABLE memories(id text primary key,user_id text,segment integer default 0,content text not null,simhash text,primary_sector text not null,tags text,meta text,created_at integer,updated_at integer,last_seen_at integer,salience real,decay_lambda real,version integer default 1,mean_dim integer,mean_vec blob,compressed_vec blob,feedback_score real default 0);
CREATE TABLE vectors(id text not null,sector text not null,v blob not null,dim integer not null,primary key(id,sector));
CREATE TABLE waypoints(src_id text primary key,dst_id text not null,weight real not null,created_at integer,updated_at integer);
CREATE TABLE embed_logs(id text primary key,model text,status text,ts integer,err text);
CREATE TABLE users(user_id text primary key,summary text,reflection_count integer default 0,created_at integer,updated_at integer);
CREATE TABLE stats(id integer primary key autoincrement,type text not null,count integer default 1,ts integer not null);
CREATE INDEX idx_memories_sector on memories(primary_sector);
CREATE INDEX idx_memories_segment on memories(segment);
CREATE INDEX idx_memories_simhash on memories(simhash);
CREATE INDEX idx_memories_ts on memories(last_seen_at);
CREATE INDEX idx_memories_user on memories(user_id);
CREATE INDEX idx_waypoints_src on waypoints(src_id);
CREATE INDEX idx_waypoints_dst on waypoints(dst_id);
CREATE INDEX idx_stats_ts on stats(ts);
CREATE INDEX idx_stats_type on stats(type);
`;

const SECTORS = ['episodic', 'semantic', 'procedural', 'emotional', 'reflective'];
const USERS = [null, null, 'alice', 'bob@example.com', "carol_o'neil", '山田太郎'];
const WORDS =
  'meeting garden budget recipe river project deadline coffee violin harbor winter invoice lantern puzzle'.split(' ');

/** A deterministic pseudo-random stream, so every run builds the same database. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 0x1_0000_0000;
  };
}

function vectorBlob(next: () => number, dim: number): Buffer {
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i += 1) v[i] = next() - 0.5;
  return Buffer.from(v.buffer);
}

/** Writes `count` memories (about 1.5 vectors and one waypoint each) into a new file at `file`. */
export function generatePre12Sqlite(file: string, count: number, dim = 256): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(PRE12_SCHEMA);
  const next = rng(42);
  const insMem = db.prepare(
    `INSERT INTO memories(id,user_id,segment,content,simhash,primary_sector,tags,meta,created_at,updated_at,last_seen_at,salience,decay_lambda,version,feedback_score)
     VALUES (?,?,0,?,?,?,'[]','{}',?,?,?,?,0.01,1,0)`,
  );
  const insVec = db.prepare('INSERT INTO vectors(id,sector,v,dim) VALUES (?,?,?,?)');
  const insWp = db.prepare('INSERT INTO waypoints(src_id,dst_id,weight,created_at,updated_at) VALUES (?,?,?,?,?)');
  const insUser = db.prepare(
    'INSERT OR IGNORE INTO users(user_id,summary,reflection_count,created_at,updated_at) VALUES (?,NULL,0,?,?)',
  );
  const ids: string[] = [];
  db.transaction(() => {
    for (let i = 0; i < count; i += 1) {
      const id = randomUUID();
      const user = USERS[Math.floor(next() * USERS.length)] ?? null;
      const sector = SECTORS[Math.floor(next() * SECTORS.length)]!;
      const words = Array.from({ length: 12 }, () => WORDS[Math.floor(next() * WORDS.length)]).join(' ');
      const t = 1_795_000_000_000 + i * 1000;
      insMem.run(
        id,
        user,
        `Memory ${i}: ${words}`,
        (i * 2654435761).toString(16).padStart(16, '0').slice(-16),
        sector,
        t,
        t,
        t,
        0.4 + next() * 0.5,
      );
      insVec.run(id, sector, vectorBlob(next, dim), dim);
      if (next() < 0.5) insVec.run(id, sector === 'semantic' ? 'episodic' : 'semantic', vectorBlob(next, dim), dim);
      const dst = ids.length > 0 && next() < 0.2 ? ids[Math.floor(next() * ids.length)]! : id;
      insWp.run(id, dst, dst === id ? 1 : next(), t, t);
      if (user !== null) insUser.run(user, t, t);
      ids.push(id);
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}
