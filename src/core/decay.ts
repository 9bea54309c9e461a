/**
 * Salience dynamics (reference §5.11–5.12). Decay relaxes salience towards a floor:
 * s(t) = floor + (s0 − floor)·e^(−λ·days). Because that map composes exactly
 * (decaying d1 then d2 equals decaying d1 + d2), callers pass only the time since the
 * salience was last written, and repeated runs never compound.
 */
const DAY_MS = 86_400_000;
export const DECAY_FLOOR = 0.08;
/** Retrieval trace: s + η(1 − s) for each returned memory. */
export const RETRIEVAL_ETA = 0.18;
export const DEDUP_BOOST = 0.15;
export const DEFAULT_REINFORCE_BOOST = 0.1;
export const WAYPOINT_PATH_BOOST = 0.05;
export const WAYPOINT_MAX_WEIGHT = 1;
export const WAYPOINT_PRUNE_BELOW = 0.05;

export const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : Number.isFinite(x) ? x : 0);

export function decayedSalience(salience: number, lambdaPerDay: number, elapsedMs: number): number {
  const days = Math.max(0, elapsedMs) / DAY_MS;
  const keep = Math.exp(-lambdaPerDay * days);
  return clamp01(salience * keep + DECAY_FLOOR * (1 - keep));
}

/** When the stored salience was last written: the later of the last sighting and the last decay run. */
export function salienceAnchor(lastSeenAt: number, lastDecayAt: number | null): number {
  return lastDecayAt !== null && lastDecayAt > lastSeenAt ? lastDecayAt : lastSeenAt;
}

export const retrievalBoost = (salience: number): number => clamp01(salience + RETRIEVAL_ETA * (1 - salience));

/** e^(−d/7)·(1 − d/60) over days since last seen, floored at 0 (v1.2 let it go negative). */
export function recency(lastSeenAt: number, now: number): number {
  const days = Math.max(0, now - lastSeenAt) / DAY_MS;
  return Math.max(0, Math.exp(-days / 7) * (1 - days / 60));
}

/** Co-activation: w' = w + 0.1·(1 − w)·e^(−Δt/1 h), Δt = time between the two memories' last sightings. */
export function coactivatedWeight(weight: number, deltaMs: number): number {
  return clamp01(weight + 0.1 * (1 - weight) * Math.exp(-Math.abs(deltaMs) / 3_600_000));
}

/**
 * A link's weight after a recall, from its current one (undefined: absent): a link on the path to
 * the answer strengthens if it exists; two memories recalled together (`gap`: ms between their
 * last sightings) are linked by co-activation, unless pruning would delete the link at once.
 * Undefined: the link is left as it is.
 */
export function recalledWeight(
  current: number | undefined,
  onPath: boolean,
  gap: number | undefined,
): number | undefined {
  let weight = current;
  if (onPath && weight !== undefined) weight = Math.min(WAYPOINT_MAX_WEIGHT, weight + WAYPOINT_PATH_BOOST);
  const linked = gap === undefined ? 0 : coactivatedWeight(weight ?? 0, gap);
  if (linked >= WAYPOINT_PRUNE_BELOW) weight = linked;
  return weight === current ? undefined : weight;
}
