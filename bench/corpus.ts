/**
 * A deterministic benchmark corpus: per user, everyday memories plus "needle" facts,
 * each needle carrying one made-up name, with a query that asks for it in other words.
 */
export interface CorpusItem {
  content: string;
  tags: string[];
}

export interface Needle {
  user: string;
  content: string;
  query: string;
}

/** Small fast PRNG (mulberry32) so every run generates the same corpus. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const SYLLABLES = [
  'ka',
  'zor',
  'vel',
  'mi',
  'tra',
  'quo',
  'ben',
  'lys',
  'dar',
  'few',
  'gho',
  'pim',
  'rax',
  'sul',
  'tey',
  'wun',
];
function pseudoWord(r: () => number): string {
  let w = '';
  const n = 3 + Math.floor(r() * 2);
  for (let i = 0; i < n; i++) w += pick(r, SYLLABLES);
  return w;
}

const PEOPLE = ['Alice', 'Bruno', 'Chen', 'Dara', 'Emeka', 'Fatima', 'Goran', 'Hana', 'Ivan', 'Jun', 'Kofi', 'Lena'];
const PLACES = [
  'the cafe on Main Street',
  'the airport',
  'the office',
  'the gym',
  'the park',
  'the library',
  'the market',
  'the harbour',
];
const TOPICS = [
  'the budget review',
  'the product launch',
  'the hiring plan',
  'the database migration',
  'the quarterly report',
  'the design sprint',
];
const FEELINGS = ['happy', 'anxious', 'excited', 'calm', 'worried', 'grateful', 'frustrated', 'proud'];
const TOOLS = ['docker', 'the linter', 'the backup script', 'the VPN client', 'the build pipeline', 'the test suite'];
const FACTS = [
  'Water boils at 100 degrees Celsius at sea level.',
  'The mitochondria produce most of the energy a cell uses.',
  'A binary search runs in logarithmic time on sorted data.',
  'Photosynthesis turns light, water and carbon dioxide into sugar.',
  'HTTP status 404 means the resource was not found.',
  'The speed of light is about 300,000 kilometres per second.',
];
const OBJECTS = ['spare key', 'signed contract', 'passport copy', 'router password', 'warranty card', 'access badge'];
const STORES = [
  'the blue folder in the hallway closet',
  'the top drawer of the desk',
  'a shoebox under the bed',
  'the safe in the basement',
  'the glovebox of the car',
  'the kitchen cabinet above the sink',
];

function filler(r: () => number): CorpusItem {
  switch (Math.floor(r() * 5)) {
    case 0:
      return {
        content: `Yesterday I met ${pick(r, PEOPLE)} at ${pick(r, PLACES)} and we talked about ${pick(r, TOPICS)}.`,
        tags: ['event'],
      };
    case 1:
      return { content: pick(r, FACTS), tags: ['fact'] };
    case 2:
      return {
        content: `To restart ${pick(r, TOOLS)}, first stop it, then clear the cache, and finally run it again.`,
        tags: ['howto'],
      };
    case 3:
      return {
        content: `I felt ${pick(r, FEELINGS)} after ${pick(r, TOPICS)} with ${pick(r, PEOPLE)}.`,
        tags: ['feeling'],
      };
    default:
      return {
        content: `I realize that ${pick(r, TOPICS)} taught me a lesson about planning ahead.`,
        tags: ['reflection'],
      };
  }
}

/** `perUser` memories for `user`, of which `needles` are needle facts. */
export function userCorpus(
  user: string,
  perUser: number,
  needles: number,
  seed: number,
): { items: CorpusItem[]; needles: Needle[] } {
  const r = rng(seed);
  const items: CorpusItem[] = [];
  const found: Needle[] = [];
  for (let i = 0; i < perUser; i++) {
    if (i < needles) {
      const project = pseudoWord(r);
      const object = pick(r, OBJECTS);
      const content = `The ${object} for the ${project} project is kept in ${pick(r, STORES)}.`;
      items.push({ content, tags: ['needle'] });
      found.push({ user, content, query: `where did I put the ${object} of project ${project}?` });
    } else {
      // A numbered suffix keeps near-identical fillers from being deduplicated into one memory.
      const f = filler(r);
      items.push({ content: `${f.content} (note ${i})`, tags: f.tags });
    }
  }
  return { items, needles: found };
}
