import type { QueueEntry } from '@cachet/core/store';
import { planFlush, type HeldEntry } from '../../src/write-behind/flush-plan.js';

let sequence = 0;
function held(key: string, { attempts = 0, retryAt = 0 }: { attempts?: number; retryAt?: number } = {}): HeldEntry {
  const id = `1000-${sequence++}`;
  const entry: QueueEntry = { id, version: id, key, op: 'write', args: Buffer.from(key), value: null };
  return { entry, attempts, retryAt };
}

const plan = (units: ReturnType<typeof planFlush>) =>
  units.map((unit) => ({ entry: unit.entry.id, covered: unit.covered.map((item) => item.entry.id) }));

describe('planFlush', () => {
  it('takes held entries oldest first, one unit each, up to the batch size', () => {
    const items = [held('a'), held('b'), held('c'), held('d')];
    expect(plan(planFlush(items, 0, 3, false))).toEqual(
      items.slice(0, 3).map(({ entry }) => ({ entry: entry.id, covered: [entry.id] })),
    );
  });

  it('without coalescing, keeps every entry of a key, in order', () => {
    const [a1, a2] = [held('a'), held('a')];
    expect(plan(planFlush([a1!, a2!], 0, 10, false))).toEqual([
      { entry: a1!.entry.id, covered: [a1!.entry.id] },
      { entry: a2!.entry.id, covered: [a2!.entry.id] },
    ]);
  });

  it("coalesces a key's entries into its newest, covering the older ones, with the most attempts", () => {
    const a1 = held('a', { attempts: 2 });
    const b = held('b');
    const a2 = held('a');
    const a3 = held('a', { attempts: 1 });
    const units = planFlush([a1, b, a2, a3], 0, 10, true);
    expect(plan(units)).toEqual([
      { entry: a3.entry.id, covered: [a1.entry.id, a2.entry.id, a3.entry.id] },
      { entry: b.entry.id, covered: [b.entry.id] },
    ]);
    expect(units.map((unit) => unit.attempts)).toEqual([2, 0]);
  });

  it('a delete that is the newest entry of its key is what a coalesced unit persists', () => {
    const write = held('a');
    const remove = held('a');
    remove.entry.op = 'delete';
    const [unit] = planFlush([write, remove], 0, 10, true);
    expect(unit!.entry).toBe(remove.entry);
    expect(unit!.covered).toEqual([write, remove]);
  });

  it('skips a whole key while its oldest entry backs off, and lets other keys go ahead', () => {
    const a1 = held('a', { retryAt: 500 });
    const b = held('b');
    const a2 = held('a');
    for (const coalesce of [false, true]) {
      expect(plan(planFlush([a1, b, a2], 100, 10, coalesce))).toEqual([{ entry: b.entry.id, covered: [b.entry.id] }]);
    }
    expect(plan(planFlush([a1, b, a2], 500, 10, false)).map((unit) => unit.entry)).toEqual([
      a1.entry.id,
      b.entry.id,
      a2.entry.id,
    ]);
  });

  it('counts entries, not units, against the batch size; a backing-off entry takes no room', () => {
    const items = [held('x', { retryAt: 1_000 }), held('a'), held('a'), held('b'), held('c')];
    expect(plan(planFlush(items, 0, 3, true))).toEqual([
      { entry: items[2]!.entry.id, covered: [items[1]!.entry.id, items[2]!.entry.id] },
      { entry: items[3]!.entry.id, covered: [items[3]!.entry.id] },
    ]);
  });

  it('plans nothing from nothing', () => {
    expect(planFlush([], 0, 10, true)).toEqual([]);
  });
});
