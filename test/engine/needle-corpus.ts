/**
 * A deterministic corpus for the needle test: each memory holds one fact about a unique
 * combination of entities; each needle query asks for that fact in other words.
 */
import { rng } from '../../bench/corpus.js';

export interface Fact {
  memory: string;
  query: string;
}

const NAMES =
  'Marta Jonas Priya Kenji Olga Tariq Lena Mateo Aisha Bruno Chloe Dmitri Elif Farid Greta Hugo Ingrid Jamal Keiko Lars Mina Nikolai Omar Paula Quentin Rosa Soren Talia Umar Vera Wendell Ximena Yusuf Zora Anders Bianca Cyrus Dalia Emeric Fatima'.split(
    ' ',
  );
const ITEMS =
  'passport umbrella keyring toolbox camera charger notebook telescope violin kayak paddle tent lantern helmet scarf'.split(
    ' ',
  );
const CONTAINERS = 'drawer cabinet shoebox basket suitcase crate'.split(' ');
const COLORS = 'blue green yellow red purple orange grey white'.split(' ');
const ROOMS = 'hallway attic garage basement kitchen bedroom'.split(' ');
const CITIES =
  'Lisbon Krakow Osaka Nairobi Quito Tallinn Porto Dakar Hanoi Bergen Cusco Ghent Tbilisi Mombasa Valletta'.split(' ');
const FOODS = 'peanuts shellfish sesame kiwi mustard celery lupin walnuts soy'.split(' ');
const PARTS = 'brakes battery clutch tyres alternator radiator wipers headlights'.split(' ');
const VEHICLES = 'van camper motorbike pickup scooter'.split(' ');
const COMPANIES = 'Borealis Quantix Helion Nordwind Arcadia Veltro Solvane Kestrel Meridian Obsidio'.split(' ');
const TOPICS = 'licensing hosting catering logistics insurance translation'.split(' ');
const WEEKDAYS = 'Monday Tuesday Wednesday Thursday Friday'.split(' ');
const MONTHS = 'January February March April May June July August September October November December'.split(' ');
const FLOWERS = 'tulips peonies orchids lilies dahlias'.split(' ');
const INSTRUMENTS = 'cello banjo oboe harp accordion trumpet'.split(' ');
const TEACHERS = 'conservatory community school online tutor'.split(' ');
const FILLERS = [
  '',
  ' It came up during a long phone conversation.',
  ' Worth writing down so it is not forgotten.',
  ' This was mentioned over lunch last week.',
  ' Good to keep in mind for later.',
];

type Pick = <T>(list: readonly T[]) => T;

const TEMPLATES: Array<(p: Pick) => { key: string; fact: Fact }> = [
  (p) => {
    const [n, i, c, col, r] = [p(NAMES), p(ITEMS), p(CONTAINERS), p(COLORS), p(ROOMS)];
    return {
      key: `store:${n}:${i}`,
      fact: {
        memory: `${n} keeps the spare ${i} in the ${col} ${c} in the ${r}.`,
        query: `Where is ${n}'s extra ${i} stored?`,
      },
    };
  },
  (p) => {
    const [n, city, y] = [p(NAMES), p(CITIES), 1960 + Math.floor(p([...Array(50).keys()]))];
    return {
      key: `born:${n}`,
      fact: {
        memory: `My colleague ${n} was born in ${city} and moved here in ${y}.`,
        query: `Where was ${n} born originally?`,
      },
    };
  },
  (p) => {
    const [n, f] = [p(NAMES), p(FOODS)];
    return {
      key: `allergy:${n}`,
      fact: {
        memory: `${n} is allergic to ${f}, so avoid it when cooking dinner.`,
        query: `What food gives ${n} an allergic reaction?`,
      },
    };
  },
  (p) => {
    const [v, part, city] = [p(VEHICLES), p(PARTS), p(CITIES)];
    return {
      key: `repair:${v}:${city}`,
      fact: {
        memory: `Our ${v} needs new ${part} before the road trip to ${city}.`,
        query: `What has to be replaced on the ${v} for the ${city} journey?`,
      },
    };
  },
  (p) => {
    const [n, m, d, fl] = [p(NAMES), p(MONTHS), 1 + Math.floor(p([...Array(28).keys()])), p(FLOWERS)];
    return {
      key: `birthday:${n}`,
      fact: {
        memory: `${n}'s birthday is on ${m} ${d}; she adores ${fl}.`,
        query: `When is ${n}'s birthday celebrated?`,
      },
    };
  },
  (p) => {
    const [co, t, wd] = [p(COMPANIES), p(TOPICS), p(WEEKDAYS)];
    return {
      key: `meeting:${co}:${t}`,
      fact: {
        memory: `The meeting with ${co} about the ${t} contract was moved to ${wd}.`,
        query: `Which day is the ${co} ${t} discussion rescheduled to?`,
      },
    };
  },
  (p) => {
    const [n, ins, where] = [p(NAMES), p(INSTRUMENTS), p(TEACHERS)];
    return {
      key: `music:${n}`,
      fact: {
        memory: `${n} has been learning to play the ${ins} with a ${where} teacher.`,
        query: `Which instrument is ${n} learning these days?`,
      },
    };
  },
];

/** `count` distinct facts for one user; the same seed gives the same corpus. */
export function userFacts(seed: number, count: number): Fact[] {
  const r = rng(seed);
  const pick: Pick = (list) => list[Math.floor(r() * list.length)]!;
  const seen = new Set<string>();
  const out: Fact[] = [];
  while (out.length < count) {
    const { key, fact } = TEMPLATES[out.length % TEMPLATES.length]!(pick);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ memory: fact.memory + pick(FILLERS), query: fact.query });
  }
  return out;
}
