/** The waypoint graph of one user around a memory, for the dashboard's graph page. */
import type { LinkView, MemoryEngine } from '../engine/api.js';
import { OmError } from '../errors.js';
import type { UserScope } from '../store/scope.js';

/** A graph bigger than this is unreadable as a picture; the strongest links are kept. */
const MAX_NODES = 40;
const PREVIEW_CHARS = 140;

export interface GraphNode {
  id: string;
  content: string;
  primary_sector: string;
  salience: number;
}

export interface Neighbourhood {
  center: string;
  nodes: GraphNode[];
  links: LinkView[];
}

export async function neighbourhood(
  engine: MemoryEngine,
  scope: UserScope,
  id: string,
  depth: number,
): Promise<Neighbourhood> {
  const center = await engine.get(scope, id);
  const ids = new Set([center.id]);
  const links: LinkView[] = [];
  let frontier = [center.id];
  for (let hop = 0; hop < depth && frontier.length > 0; hop++) {
    const next: string[] = [];
    for (const l of await engine.links(scope, frontier)) {
      if (!ids.has(l.to)) {
        if (ids.size >= MAX_NODES) continue;
        ids.add(l.to);
        next.push(l.to);
      }
      links.push(l);
    }
    frontier = next;
  }
  const nodes = await Promise.all(
    [...ids].map((nodeId) =>
      engine.get(scope, nodeId).catch((err: unknown) => {
        // A memory deleted between the two reads just drops out of the picture.
        if (err instanceof OmError && err.code === 'not_found') return null;
        throw err;
      }),
    ),
  );
  const present = nodes.filter((n) => n !== null);
  const kept = new Set(present.map((n) => n.id));
  return {
    center: center.id,
    nodes: present.map((n) => ({
      id: n.id,
      content: n.content.length > PREVIEW_CHARS ? `${n.content.slice(0, PREVIEW_CHARS)}…` : n.content,
      primary_sector: n.primary_sector,
      salience: n.salience,
    })),
    links: links.filter((l) => kept.has(l.from) && kept.has(l.to)),
  };
}
