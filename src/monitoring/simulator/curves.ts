/**
 * The simulated estate's numbers: pure functions of (seed, target, key, instant), so a test with a
 * FakeClock gets the same values every run and nothing keeps state between checks.
 *
 * - CPU %: a per-target base, a working-day hump (Asia/Tokyo 09:00–18:00, peaking after lunch), a
 *   night batch bump at 02:00 and noise.
 * - Memory: available % (what vm.memory.size[pavailable] reports) from a per-target used level that
 *   follows the day a little.
 * - Disk %: a per-target fill level creeping up through the month, with a little noise.
 * - Faults: now and then one target fails for a while and recovers (see `faultAt`).
 */

/** FNV-1a over the parts: the seed of every random number here. */
export function hash32(...parts: Array<string | number>): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    const s = `${p}\u0001`;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  }
  return h >>> 0;
}

/** mulberry32: a small seeded generator of [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A number in [0, 1) fixed by its parts. */
const unit = (...parts: Array<string | number>) => seededRandom(hash32(...parts))();
const MIN = 60_000;
const DAY = 86_400_000;
const round1 = (n: number) => Math.round(n * 10) / 10;
const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));

/** Hours since 00:00 Asia/Tokyo, as a fraction (0–24). */
const jstHour = (t: number) => ((((t + 9 * 3_600_000) % DAY) + DAY) % DAY) / 3_600_000;

/** Noise in [-1, 1), new each minute. */
const noise = (seed: number, id: string, key: string, t: number) => unit(seed, id, key, Math.floor(t / MIN)) * 2 - 1;

export function cpuPercent(seed: number, id: string, t: number): number {
  const base = 8 + unit(seed, id, 'cpu') * 30;
  const h = jstHour(t);
  const day = new Date(t + 9 * 3_600_000).getUTCDay();
  const working = day !== 0 && day !== 6;
  // Working hours: up from 09:00, a dip at noon, the peak mid-afternoon, down by 18:00.
  const office =
    working && h >= 8.5 && h <= 18.5 ? Math.sin(((h - 8.5) / 10) * Math.PI) * (18 + unit(seed, id, 'amp') * 14) * (h >= 12 && h < 13 ? 0.7 : 1) : 0;
  const batch = h >= 2 && h < 3 ? 15 * Math.sin((h - 2) * Math.PI) : 0;
  return round1(clamp(base + office + batch + noise(seed, id, 'cpu', t) * 4, 0.5, 84));
}

export function memoryAvailablePercent(seed: number, id: string, t: number): number {
  const used = 35 + unit(seed, id, 'mem') * 30 + Math.sin((jstHour(t) / 24) * 2 * Math.PI - Math.PI / 2) * 5 + noise(seed, id, 'mem', t) * 1.5;
  return round1(clamp(100 - used, 16, 95));
}

export function diskPercent(seed: number, id: string, key: string, t: number): number {
  const base = 25 + unit(seed, id, key, 'disk') * 40;
  const month = new Date(t + 9 * 3_600_000).getUTCDate();
  return round1(clamp(base + month * 0.25 + noise(seed, id, key, t) * 0.3, 1, 80));
}

export type FaultKind = 'down' | 'cpu' | 'http';
export interface Fault {
  target: string;
  kind: FaultKind;
  from: number;
  until: number;
}

export interface FaultPlanOptions {
  /** The scheduled faults count from here (the simulator's start): the first comes a few minutes later. */
  epoch: number;
  /** One window per this many ms; a window holds at most one fault. */
  everyMs?: number;
  /** Chance that a window has a fault. */
  chance?: number;
}

/**
 * The scheduled fault of the window that holds `t`, if any: window w = [epoch + w·every, …). Each
 * window draws (seeded) whether it has one, which target, which kind the target can show, its start
 * (in the window's first tenth) and its length (20–30 minutes: long enough for the 3 failed checks
 * in a row that make an alert at a 5-minute interval, then the recovery).
 */
export function scheduledFault(
  seed: number,
  targets: ReadonlyArray<{ name: string; kinds: readonly FaultKind[] }>,
  t: number,
  o: FaultPlanOptions,
): Fault | undefined {
  const every = o.everyMs ?? 45 * MIN;
  if (targets.length === 0 || t < o.epoch) return undefined;
  const w = Math.floor((t - o.epoch) / every);
  const rnd = seededRandom(hash32(seed, 'fault', w));
  // The first window always has one, so a new demo shows an alert within its first quarter hour.
  if (w > 0 && rnd() >= (o.chance ?? 0.6)) return undefined;
  const target = targets[Math.floor(rnd() * targets.length)] as (typeof targets)[number];
  if (target.kinds.length === 0) return undefined;
  const kind = target.kinds[Math.floor(rnd() * target.kinds.length)] as FaultKind;
  const from = o.epoch + w * every + 2 * MIN + Math.floor(rnd() * every * 0.1);
  const until = from + 20 * MIN + Math.floor(rnd() * 10 * MIN);
  return t >= from && t < until ? { target: target.name, kind, from, until } : undefined;
}
