import assert from 'node:assert/strict';
import { KeySpace, type EntryStore, type Store } from '@cachet/core/store';
import { sleep } from '../sleep.js';
import { uniqueNamespace } from '../unique-namespace.js';
import { waitUntil } from '../wait-until.js';
import { assertBetween, DELIVERY_TIMEOUT_MS } from './assertions.js';
import { resolveTestApi, type ContractTestApi } from './contract-test-api.js';

const wake = { channel: 'contract:w', message: 'k' };
const body = Buffer.from('0 0 g 0\npayload');
const baseWrite = { logicalTtlMs: 10_000, physicalTtlMs: 10_000, hardTtlMs: 10_000, fenceTtlMs: 60_000, wake };
type EntryWriteRequest = Parameters<EntryStore['write']>[0];

const plainWrite = { body, ...baseWrite, mode: 'write', expectedFence: '', leaseToken: '' } as const;

/**
 * The behaviour every EntryStore must have: envelopes stamped with the
 * store's clock, write fences that drop a stale load, tag versions, leases
 * (one holder, released by it alone) and sliding expiry capped by the hard one.
 */
export function entryStoreContract(getStore: () => Store, test?: ContractTestApi): void {
  const { it } = resolveTestApi(test);
  const keySpace = () => new KeySpace(uniqueNamespace('e'));
  const write = (request: Omit<EntryWriteRequest, keyof typeof plainWrite> & Partial<EntryWriteRequest>) =>
    getStore().entries.write({ ...plainWrite, ...request });

  it('reads a miss, then the written envelope stamped with server times', async () => {
    const store = getStore();
    const k = keySpace().entry('a');
    const miss = await store.entries.read({ keys: k, tagKeys: [] });
    assert.equal(miss.raw, null);
    assert.equal(miss.fence, '');
    assert.equal(await write({ keys: k }), true);
    const hit = await store.entries.read({ keys: k, tagKeys: [] });
    const text = hit.raw!.toString();
    const [, hard, logical, created] = /^c1 (\d+) (\d+) (\d+) /.exec(text)!.map(Number) as number[];
    assert.ok(created! <= hit.now, `created ${created} is not after the read's now ${hit.now}`);
    assert.equal(logical! - created!, 10_000);
    assert.equal(hard! - created!, 10_000);
    assert.ok(text.endsWith('0 0 g 0\npayload'), 'the body follows the stamped times');
    assert.notEqual(hit.fence, '');
  });

  it('sets the physical TTL to min(physical, hard)', async () => {
    const store = getStore();
    const k = keySpace().entry('ttl');
    await write({ keys: k, physicalTtlMs: 50_000, hardTtlMs: 20_000 });
    assertBetween(await store.entries.pttl(k.entry), 19_000, 20_000, 'PTTL of the entry');
  });

  it('writes with the versions it ensured (or was given), and moves the fence like an authoritative write', async () => {
    const store = getStore();
    const space = keySpace();
    const k = space.entry('versioned');
    const written = (payload: string, tags: string[], versions?: string[]) =>
      store.entries.writeVersioned({
        ...{ keys: k, head: '0 0 ', payload: Buffer.from(payload), tags, versions, versionTtlMs: 60_000, ...baseWrite },
        versionKeys: [space.generation, ...tags.map((tag) => space.tag(tag))],
      });
    const body = async () => (await store.entries.read({ keys: k, tagKeys: [] })).raw!.toString();
    const [, existingA] = await store.entries.ensureTags([space.generation, space.tag('a')], 60_000);
    const before = await store.entries.read({ keys: k, tagKeys: [] });
    const versions = await written('payload', ['a', 'b']);
    assert.equal(versions[1], existingA, 'an existing version is kept');
    assert.deepEqual(await store.entries.readTags([space.generation, space.tag('a'), space.tag('b')]), versions);
    assertBetween(await store.entries.pttl(space.tag('b')), 59_000, 60_000, 'PTTL of the created tag');
    const [g, a, b] = versions;
    assert.ok((await body()).endsWith(`0 0 ${g} 2\na\n${a}\nb\n${b}\npayload`), 'the body records the versions');
    assert.notEqual((await store.entries.read({ keys: k, tagKeys: [] })).fence, before.fence);
    assert.deepEqual(await written('given', ['c'], ['g-given', 'c-given']), ['g-given', 'c-given']);
    assert.ok((await body()).endsWith('0 0 g-given 1\nc\nc-given\ngiven'));
    assert.deepEqual(await store.entries.readTags([space.tag('c')]), [null], 'given versions are not ensured');
  });

  it('drops a load whose fence moved (write or delete since it began)', async () => {
    const store = getStore();
    const k = keySpace().entry('fenced');
    const before = await store.entries.read({ keys: k, tagKeys: [] });
    await store.entries.delete([k], 60_000);
    assert.equal(await write({ keys: k, mode: 'load', expectedFence: before.fence }), false);
    const now = await store.entries.read({ keys: k, tagKeys: [] });
    assert.equal(now.raw, null);
    assert.equal(await write({ keys: k, mode: 'load', expectedFence: now.fence }), true);
  });

  it('claims a fence for a load: made when absent, held while current, refused once it moved or lapsed', async () => {
    const store = getStore();
    const keys = keySpace();
    const k = keys.entry('claimed');
    const claimed = await store.entries.claimFence(k.fence, 300);
    assert.equal(typeof claimed, 'string');
    assert.notEqual(claimed, '');
    assert.equal((await store.entries.read({ keys: k, tagKeys: [] })).fence, claimed);
    assert.equal(await store.entries.claimFence(k.fence, 300), claimed, 'a second load shares it');
    assert.equal(await store.entries.holdFence(k.fence, claimed, 5_000), true);
    assert.ok((await store.entries.pttl(k.fence)) > 4_000);
    assert.equal(await store.entries.holdFence(k.fence, claimed, 100), true);
    assert.ok((await store.entries.pttl(k.fence)) > 4_000, 'a hold never shortens the fence');
    await store.entries.delete([k], 60_000);
    assert.equal(await store.entries.holdFence(k.fence, claimed, 300), false, 'moved');
    const moved = await store.entries.claimFence(k.fence, 300);
    assert.notEqual(moved, claimed, "the delete's fence, kept");
    assert.ok((await store.entries.pttl(k.fence)) > 50_000);
    // a claim that lapsed is never "unchanged": a load presenting it is dropped, even once a new one is made
    const short = keys.entry('lapsing');
    const lapsing = await store.entries.claimFence(short.fence, 50);
    await sleep(120);
    assert.equal(await store.entries.holdFence(short.fence, lapsing, 300), false);
    assert.notEqual(await store.entries.claimFence(short.fence, 300), lapsing);
    assert.equal(await write({ keys: short, mode: 'load', expectedFence: lapsing }), false);
  });

  it('gives every fence move a new version, even back to back', async () => {
    const store = getStore();
    const k = keySpace().entry('versions');
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      await store.entries.delete([k], 60_000);
      seen.add((await store.entries.read({ keys: k, tagKeys: [] })).fence);
    }
    assert.equal(seen.size, 20);
  });

  it('creates tag versions once, reads them, and bumps them to new values', async () => {
    const store = getStore();
    const keys = keySpace();
    const tagKeys = [keys.tag('a'), keys.tag('b')];
    assert.deepEqual(await store.entries.readTags(tagKeys), [null, null]);
    const first = await store.entries.ensureTags(tagKeys, 60_000);
    assert.deepEqual(await store.entries.ensureTags(tagKeys, 60_000), first);
    assert.deepEqual(await store.entries.readTags(tagKeys), first);
    await store.entries.bumpTags([tagKeys[0]!], 60_000);
    const after = await store.entries.readTags(tagKeys);
    assert.notEqual(after[0], first[0]);
    assert.equal(after[1], first[1]);
    assert.ok((await store.entries.pttl(tagKeys[0]!)) > 59_000);
  });

  it('returns tag versions with the entry read', async () => {
    const store = getStore();
    const keys = keySpace();
    const tagKeys = [keys.generation, keys.tag('x')];
    const versions = await store.entries.ensureTags(tagKeys, 60_000);
    const read = await store.entries.read({ keys: keys.entry('tagged'), tagKeys });
    assert.deepEqual(read.tagVersions, versions);
  });

  it('leases: one holder, others told the remaining time, released by the holder only', async () => {
    const store = getStore();
    const k = keySpace().entry('lease');
    const reads = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.entries.read({ keys: k, tagKeys: [], lease: { token: `t${i}`, ttlMs: 5_000, whenStale: false } }),
      ),
    );
    const holders = reads.filter((read) => read.lease === 0);
    assert.equal(holders.length, 1, 'one holder');
    for (const read of reads) if (read.lease !== 0) assertBetween(read.lease, 1, 5_000, 'lease time left');
    const holder = `t${reads.indexOf(holders[0]!)}`;
    await store.entries.releaseLease(k.lease, 'not-the-holder', wake);
    assert.ok((await store.entries.acquireLease(k.lease, 'other', 5_000)) > 0, 'a wrong token frees nothing');
    assert.equal(await store.entries.extendLease(k.lease, holder, 8_000), true);
    assert.equal(await store.entries.extendLease(k.lease, 'other', 8_000), false);
    await store.entries.releaseLease(k.lease, holder, wake);
    assert.equal(await store.entries.acquireLease(k.lease, 'other', 5_000), 0);
  });

  it('a lease lapses after its TTL', async () => {
    const store = getStore();
    const k = keySpace().entry('lapse');
    assert.equal(await store.entries.acquireLease(k.lease, 'a', 100), 0);
    await sleep(150);
    assert.equal(await store.entries.acquireLease(k.lease, 'b', 100), 0);
  });

  it('a load write releases its own lease and wakes subscribers', async () => {
    const store = getStore();
    const keys = keySpace();
    const k = keys.entry('wake');
    const messages: string[] = [];
    const unsubscribe = await store.bus.subscribe(keys.wakeChannel, (message) => messages.push(message));
    try {
      const read = await store.entries.read({
        keys: k,
        tagKeys: [],
        lease: { token: 'tok', ttlMs: 5_000, whenStale: false },
      });
      assert.equal(read.lease, 0);
      await write({
        keys: k,
        wake: { channel: keys.wakeChannel, message: 'wake' },
        mode: 'load',
        expectedFence: read.fence,
        leaseToken: 'tok',
      });
      assert.equal(await store.entries.acquireLease(k.lease, 'next', 5_000), 0, 'the lease is gone');
      await waitUntil(() => messages.length > 0, { timeoutMs: DELIVERY_TIMEOUT_MS, what: 'the wake message' });
      assert.deepEqual(messages, ['wake']);
    } finally {
      await unsubscribe();
    }
  });

  it('takes the lease on a logically stale entry only when asked', async () => {
    const store = getStore();
    const k = keySpace().entry('stale');
    await write({ keys: k, logicalTtlMs: 1 });
    await sleep(10);
    const lease = { token: 'a', ttlMs: 5_000 };
    const notAsked = await store.entries.read({ keys: k, tagKeys: [], lease: { ...lease, whenStale: false } });
    assert.equal(notAsked.lease, -1);
    const asked = await store.entries.read({ keys: k, tagKeys: [], lease: { ...lease, whenStale: true } });
    assert.equal(asked.lease, 0);
  });

  it('slides a sliding entry on read, capped by its hard expiry', async () => {
    const store = getStore();
    const k = keySpace().entry('slide');
    const slidingBody = Buffer.from('0 8 g 0\nv');
    await write({ keys: k, body: slidingBody, logicalTtlMs: 2_000, physicalTtlMs: 2_000, hardTtlMs: 3_000 });
    await sleep(300);
    assert.ok((await store.entries.pttl(k.entry)) < 1_750, 'time passes');
    await store.entries.read({ keys: k, tagKeys: [] });
    assert.ok((await store.entries.pttl(k.entry)) > 1_900, 'a read slides it');
    await sleep(1_200);
    await store.entries.read({ keys: k, tagKeys: [] });
    // hard cap: 3000 ms after creation, ~1500 ms elapsed
    assert.ok((await store.entries.pttl(k.entry)) < 1_600, 'never past the hard expiry');
  });

  it('deletes many entries and scans by pattern', async () => {
    const store = getStore();
    const keys = keySpace();
    const all = ['p:1', 'p:2', 'p:3', 'q:1'].map((key) => keys.entry(key));
    for (const k of all) await write({ keys: k });
    const found: string[] = [];
    await store.entries.scan(keys.entryPattern('p:*'), async (batch) => {
      found.push(...batch);
    });
    assert.deepEqual(found.map((key) => keys.userKey(key)).sort(), ['p:1', 'p:2', 'p:3']);
    assert.equal(await store.entries.delete(all, 60_000), 4);
    assert.equal(await store.entries.delete(all, 60_000), 0);
  });
}
