import { KeySpace, type Store } from '@cachet/core/store';
import { sleep, uniqueNamespace } from '../support/stores.js';

/**
 * The behaviour every EntryStore must have. Runs against Memory, Redis and
 * Redis Cluster so the in-process store can never drift from the real one.
 */
export function entryStoreContract(getStore: () => Store): void {
  let keys: KeySpace;
  const wake = { channel: 'contract:w', message: 'k' };
  const body = Buffer.from('0 0 g 0\npayload');
  const baseWrite = { logicalTtlMs: 10_000, physicalTtlMs: 10_000, hardTtlMs: 10_000, fenceTtlMs: 60_000, wake };

  beforeEach(() => {
    keys = new KeySpace(uniqueNamespace());
  });

  it('reads a miss, then the written envelope stamped with server times', async () => {
    const store = getStore();
    const k = keys.entry('a');
    const miss = await store.entries.read({ keys: k, tagKeys: [] });
    expect(miss.raw).toBeNull();
    expect(miss.fence).toBe('');
    expect(
      await store.entries.write({ keys: k, body, ...baseWrite, mode: 'write', expectedFence: '', leaseToken: '' }),
    ).toBe(true);
    const hit = await store.entries.read({ keys: k, tagKeys: [] });
    const text = hit.raw!.toString();
    const [, hard, logical, created] = /^c1 (\d+) (\d+) (\d+) /.exec(text)!.map(Number);
    expect(created).toBeLessThanOrEqual(hit.now);
    expect(logical! - created!).toBe(10_000);
    expect(hard! - created!).toBe(10_000);
    expect(text.endsWith('0 0 g 0\npayload')).toBe(true);
    expect(hit.fence).not.toBe('');
  });

  it('sets the physical TTL to min(physical, hard)', async () => {
    const store = getStore();
    const k = keys.entry('ttl');
    await store.entries.write({
      keys: k,
      body,
      ...baseWrite,
      physicalTtlMs: 50_000,
      hardTtlMs: 20_000,
      mode: 'write',
      expectedFence: '',
      leaseToken: '',
    });
    const pttl = await store.entries.pttl(k.entry);
    expect(pttl).toBeGreaterThan(19_000);
    expect(pttl).toBeLessThanOrEqual(20_000);
  });

  it('drops a load whose fence moved (write or delete since it began)', async () => {
    const store = getStore();
    const k = keys.entry('fenced');
    const before = await store.entries.read({ keys: k, tagKeys: [] });
    await store.entries.delete([k], 60_000);
    const written = await store.entries.write({
      keys: k,
      body,
      ...baseWrite,
      mode: 'load',
      expectedFence: before.fence,
      leaseToken: '',
    });
    expect(written).toBe(false);
    expect((await store.entries.read({ keys: k, tagKeys: [] })).raw).toBeNull();
    const now = await store.entries.read({ keys: k, tagKeys: [] });
    expect(
      await store.entries.write({
        keys: k,
        body,
        ...baseWrite,
        mode: 'load',
        expectedFence: now.fence,
        leaseToken: '',
      }),
    ).toBe(true);
  });

  it('claims a fence for a load: made when absent, held while current, refused once it moved or lapsed', async () => {
    const store = getStore();
    const k = keys.entry('claimed');
    const claimed = await store.entries.claimFence(k.fence, 300);
    expect(claimed).toEqual(expect.any(String));
    expect(claimed).not.toBe('');
    expect((await store.entries.read({ keys: k, tagKeys: [] })).fence).toBe(claimed);
    expect(await store.entries.claimFence(k.fence, 300)).toBe(claimed); // a second load shares it
    expect(await store.entries.holdFence(k.fence, claimed, 5_000)).toBe(true);
    expect(await store.entries.pttl(k.fence)).toBeGreaterThan(4_000);
    expect(await store.entries.holdFence(k.fence, claimed, 100)).toBe(true); // never shortened
    expect(await store.entries.pttl(k.fence)).toBeGreaterThan(4_000);
    await store.entries.delete([k], 60_000);
    expect(await store.entries.holdFence(k.fence, claimed, 300)).toBe(false); // moved
    const moved = await store.entries.claimFence(k.fence, 300);
    expect(moved).not.toBe(claimed); // the delete's fence, kept
    expect(await store.entries.pttl(k.fence)).toBeGreaterThan(50_000);
    // a claim that lapsed is never "unchanged": a load presenting it is dropped, even once a new one is made
    const short = keys.entry('lapsing');
    const lapsing = await store.entries.claimFence(short.fence, 50);
    await sleep(120);
    expect(await store.entries.holdFence(short.fence, lapsing, 300)).toBe(false);
    expect(await store.entries.claimFence(short.fence, 300)).not.toBe(lapsing);
    const write = { keys: short, body, ...baseWrite, mode: 'load' as const, leaseToken: '' };
    expect(await store.entries.write({ ...write, expectedFence: lapsing })).toBe(false);
  });

  it('gives every fence move a new version, even back to back', async () => {
    const store = getStore();
    const k = keys.entry('versions');
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      await store.entries.delete([k], 60_000);
      seen.add((await store.entries.read({ keys: k, tagKeys: [] })).fence);
    }
    expect(seen.size).toBe(20);
  });

  it('creates tag versions once, reads them, and bumps them to new values', async () => {
    const store = getStore();
    const tagKeys = [keys.tag('a'), keys.tag('b')];
    expect(await store.entries.readTags(tagKeys)).toEqual([null, null]);
    const first = await store.entries.ensureTags(tagKeys, 60_000);
    expect(await store.entries.ensureTags(tagKeys, 60_000)).toEqual(first);
    expect(await store.entries.readTags(tagKeys)).toEqual(first);
    await store.entries.bumpTags([tagKeys[0]!], 60_000);
    const after = await store.entries.readTags(tagKeys);
    expect(after[0]).not.toBe(first[0]);
    expect(after[1]).toBe(first[1]);
    expect(await store.entries.pttl(tagKeys[0]!)).toBeGreaterThan(59_000);
  });

  it('returns tag versions with the entry read', async () => {
    const store = getStore();
    const k = keys.entry('tagged');
    const tagKeys = [keys.generation, keys.tag('x')];
    const versions = await store.entries.ensureTags(tagKeys, 60_000);
    const read = await store.entries.read({ keys: k, tagKeys });
    expect(read.tagVersions).toEqual(versions);
  });

  it('leases: one holder, others told the remaining time, released by the holder only', async () => {
    const store = getStore();
    const k = keys.entry('lease');
    const reads = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.entries.read({ keys: k, tagKeys: [], lease: { token: `t${i}`, ttlMs: 5_000, whenStale: false } }),
      ),
    );
    const holders = reads.filter((read) => read.lease === 0);
    expect(holders).toHaveLength(1);
    for (const read of reads.filter((r) => r.lease !== 0)) {
      expect(read.lease).toBeGreaterThan(0);
      expect(read.lease).toBeLessThanOrEqual(5_000);
    }
    const holder = `t${reads.indexOf(holders[0]!)}`;
    await store.entries.releaseLease(k.lease, 'not-the-holder', wake);
    expect(await store.entries.acquireLease(k.lease, 'other', 5_000)).toBeGreaterThan(0);
    expect(await store.entries.extendLease(k.lease, holder, 8_000)).toBe(true);
    expect(await store.entries.extendLease(k.lease, 'other', 8_000)).toBe(false);
    await store.entries.releaseLease(k.lease, holder, wake);
    expect(await store.entries.acquireLease(k.lease, 'other', 5_000)).toBe(0);
  });

  it('a lease lapses after its TTL', async () => {
    const store = getStore();
    const k = keys.entry('lapse');
    expect(await store.entries.acquireLease(k.lease, 'a', 100)).toBe(0);
    await sleep(150);
    expect(await store.entries.acquireLease(k.lease, 'b', 100)).toBe(0);
  });

  it('a load write releases its own lease and wakes subscribers', async () => {
    const store = getStore();
    const k = keys.entry('wake');
    const channel = `${keys.namespace}:w`;
    const messages: string[] = [];
    const unsubscribe = await store.bus.subscribe(channel, (message) => messages.push(message));
    const read = await store.entries.read({
      keys: k,
      tagKeys: [],
      lease: { token: 'tok', ttlMs: 5_000, whenStale: false },
    });
    expect(read.lease).toBe(0);
    await store.entries.write({
      keys: k,
      body,
      ...baseWrite,
      wake: { channel, message: 'wake' },
      mode: 'load',
      expectedFence: read.fence,
      leaseToken: 'tok',
    });
    expect(await store.entries.acquireLease(k.lease, 'next', 5_000)).toBe(0);
    for (let i = 0; i < 100 && messages.length === 0; i++) await sleep(10);
    expect(messages).toEqual(['wake']);
    await unsubscribe();
  });

  it('takes the lease on a logically stale entry only when asked', async () => {
    const store = getStore();
    const k = keys.entry('stale');
    await store.entries.write({
      keys: k,
      body,
      ...baseWrite,
      logicalTtlMs: 1,
      mode: 'write',
      expectedFence: '',
      leaseToken: '',
    });
    await sleep(10);
    const notAsked = await store.entries.read({
      keys: k,
      tagKeys: [],
      lease: { token: 'a', ttlMs: 5_000, whenStale: false },
    });
    expect(notAsked.lease).toBe(-1);
    const asked = await store.entries.read({
      keys: k,
      tagKeys: [],
      lease: { token: 'a', ttlMs: 5_000, whenStale: true },
    });
    expect(asked.lease).toBe(0);
  });

  it('slides a sliding entry on read, capped by its hard expiry', async () => {
    const store = getStore();
    const k = keys.entry('slide');
    const slidingBody = Buffer.from('0 8 g 0\nv');
    await store.entries.write({
      keys: k,
      body: slidingBody,
      ...baseWrite,
      logicalTtlMs: 2_000,
      physicalTtlMs: 2_000,
      hardTtlMs: 3_000,
      mode: 'write',
      expectedFence: '',
      leaseToken: '',
    });
    await sleep(300);
    expect(await store.entries.pttl(k.entry)).toBeLessThan(1_750);
    await store.entries.read({ keys: k, tagKeys: [] });
    const slid = await store.entries.pttl(k.entry);
    expect(slid).toBeGreaterThan(1_900);
    await sleep(1_200);
    await store.entries.read({ keys: k, tagKeys: [] });
    // hard cap: 3000 ms after creation, ~1500 ms elapsed
    expect(await store.entries.pttl(k.entry)).toBeLessThan(1_600);
  });

  it('deletes many entries and scans by pattern', async () => {
    const store = getStore();
    const all = ['p:1', 'p:2', 'p:3', 'q:1'].map((key) => keys.entry(key));
    for (const k of all)
      await store.entries.write({ keys: k, body, ...baseWrite, mode: 'write', expectedFence: '', leaseToken: '' });
    const found: string[] = [];
    await store.entries.scan(keys.entryPattern('p:*'), async (batch) => {
      found.push(...batch);
    });
    expect(found.map((key) => keys.userKey(key)).sort()).toEqual(['p:1', 'p:2', 'p:3']);
    expect(await store.entries.delete(all, 60_000)).toBe(4);
    expect(await store.entries.delete(all, 60_000)).toBe(0);
  });
}
