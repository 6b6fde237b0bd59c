import { SeededRandom } from './seeded-random.js';
import type { HistorySpec, OpSpec, Profile } from './history.types.js';

export interface GenerateOptions {
  ops: number;
  keys: number;
  instances: number;
  writeBehind: boolean;
  /** Share of histories run with a short write fence (small maxTtl and lease) and a loader outliving it. */
  shortFenceShare: number;
  /** Share of histories whose keys and tags carry braces (`}k`, `{}k`, `{k}`): Cluster hash-tag hazards. */
  braceShare: number;
  /** Spread of start times, ms. */
  spanMs: number;
}

const BRACE_FORMS = [(n: string) => `}${n}`, (n: string) => `{}${n}`, (n: string) => `{${n}}`, (n: string) => `${n}}{`];

/**
 * Builds one history from its seed. Besides ops at random times, it lays
 * patterns that put pressure where caches break: a read in flight when an
 * invalidation resolves and a read right after it; a burst of cold reads of an
 * expired key from every instance; a slow load overtaken by a write.
 */
export function generateHistory(seed: number, options: GenerateOptions): HistorySpec {
  const random = new SeededRandom(seed);
  const profile: Profile = random.chance(options.shortFenceShare) ? 'short-fence' : 'default';
  const braces = random.chance(options.braceShare);
  const name = (base: string): string => (braces ? random.pick(BRACE_FORMS)(base) : base);
  const keys: HistorySpec['keys'] = [];
  const tags = [name('t0'), name('t1')];
  for (let i = 0; i < options.keys; i++) keys.push({ key: name(`k${i}`), tag: tags[i % 2]!, writeBehind: false });
  if (options.writeBehind) keys.push({ key: name('w0'), tag: tags[0]!, writeBehind: true });
  const plain = keys.filter((entry) => !entry.writeBehind);
  const ops: OpSpec[] = [];
  const span = options.spanMs;
  const add = (op: Omit<OpSpec, 'id'>): OpSpec => {
    const spec = { id: ops.length, ...op };
    ops.push(spec);
    return spec;
  };
  const instance = (): number => random.int(0, options.instances - 1);
  const read = (key: string, at: number, extra: Partial<OpSpec> = {}): OpSpec =>
    add({
      kind: 'getOrSet',
      instance: instance(),
      key,
      at,
      loaderMs: random.int(0, 15),
      loaderFails: random.chance(0.04),
      ttlMs: random.pick([60_000, 60_000, 1_000, 50]),
      ...readFlavour(random),
      ...extra,
    });

  if (profile === 'short-fence') {
    // A load that outlives the fence of a write made while it ran. Another key of the same tag is written
    // meanwhile, as a busy app would, so the tag state outlives the fence and the entries stay valid.
    const { key, tag } = plain[0]!;
    const slow = read(key, random.int(0, span / 4), {
      loaderMs: random.int(1_250, 1_450),
      loaderFails: false,
      ttlMs: 60_000,
    });
    add({ kind: 'set', instance: instance(), key, at: slow.at + random.int(20, 150) });
    const partner = plain.find((entry) => entry.key !== key && entry.tag === tag);
    if (partner) add({ kind: 'set', instance: instance(), key: partner.key, at: slow.at + random.int(1_000, 1_100) });
    read(key, 0, { after: slow.id, loaderMs: 0 });
    read(key, 0, { after: slow.id, loaderMs: 0, instance: (slow.instance + 1) % options.instances });
  }
  while (ops.length < options.ops) {
    const pattern = random.weighted({
      readAcrossInvalidation: 4,
      coldBurst: 2,
      random: 4,
      writeBehind: options.writeBehind ? 1.5 : 0,
    });
    const at = random.int(0, span);
    if (pattern === 'readAcrossInvalidation') {
      const { key, tag } = random.pick(plain);
      // Warm the key first, so that the read in flight across the invalidation is (often) a hit.
      const warm = random.chance(0.7) ? read(key, at, { loaderMs: 0, loaderFails: false, ttlMs: 60_000 }) : undefined;
      const before = read(key, warm ? at + random.int(15, 40) : at, { loaderMs: random.int(0, 3), ttlMs: 60_000 });
      const kind = random.weighted({ delete: 4, invalidateTags: 3, set: 3, clear: 1 });
      const mutation = add({
        kind,
        instance: random.chance(0.5) ? before.instance : instance(),
        key: kind === 'delete' || kind === 'set' ? key : undefined,
        tag: kind === 'invalidateTags' ? tag : undefined,
        at: before.at + (random.chance(0.7) ? 0 : random.int(1, 3)),
      });
      read(key, 0, { after: mutation.id, instance: random.chance(0.6) ? before.instance : instance() });
      if (random.chance(0.3)) add({ kind: 'get', instance: instance(), key, at: 0, after: mutation.id });
    } else if (pattern === 'coldBurst') {
      const { key } = random.pick(plain);
      const flavour = readFlavour(random);
      const warm = read(key, at, { ttlMs: 50, loaderFails: false, ...flavour });
      const burstAt = warm.at + random.int(120, 200);
      const loaderMs = random.int(30, 60);
      const callers = random.int(2, 3);
      for (let i = 0; i < options.instances; i++) {
        for (let c = 0; c < callers; c++) {
          read(key, burstAt, { instance: i, loaderMs, loaderFails: false, ttlMs: 60_000, ...flavour });
        }
      }
    } else if (pattern === 'writeBehind') {
      const { key } = keys.find((entry) => entry.writeBehind)!;
      const write = add({ kind: 'writeBehind', instance: instance(), key, at });
      read(key, 0, { after: write.id, loaderFails: false });
      if (random.chance(0.5)) add({ kind: 'get', instance: instance(), key, at: 0, after: write.id });
    } else {
      const kind = random.weighted({ getOrSet: 6, get: 2, set: 2, delete: 2, invalidateTags: 1.5, clear: 0.5 });
      const { key, tag } = random.pick(
        keys.filter((entry) => kind === 'getOrSet' || kind === 'get' || !entry.writeBehind),
      );
      if (kind === 'getOrSet') read(key, at);
      else
        add({
          kind,
          instance: instance(),
          key: kind === 'invalidateTags' || kind === 'clear' ? undefined : key,
          tag: kind === 'invalidateTags' ? tag : undefined,
          at,
          ttlMs: 60_000,
        });
    }
  }
  return { seed, profile, keys, ops };
}

function readFlavour(random: SeededRandom): Partial<OpSpec> {
  const flavour = random.weighted({ plain: 5, staleIfError: 2, staleWhileRevalidate: 1.5, earlyRefresh: 0.5 });
  // Every field is set, so a flavour spread over another replaces it whole.
  return {
    staleIfErrorMs: flavour === 'staleIfError' ? 1_000 : undefined,
    staleWhileRevalidateMs: flavour === 'staleWhileRevalidate' ? 1_000 : undefined,
    earlyRefresh: flavour === 'earlyRefresh' ? true : undefined,
  };
}
