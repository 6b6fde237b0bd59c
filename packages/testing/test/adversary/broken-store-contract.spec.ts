import { MemoryStore, type Store } from '@cachet/core/store';
import {
  entryStoreContract,
  lockStoreContract,
  queueStoreContract,
  rateLimitStoreContract,
  type ContractTestApi,
} from '@cachet/testing';

type Suite = (getStore: () => Store, test?: ContractTestApi) => void;

/** Runs a contract suite outside the runner, and answers the names of the cases that failed. */
async function failingCases(suite: Suite, store: Store): Promise<string[]> {
  const cases: Array<{ name: string; body: () => Promise<void> }> = [];
  const before: Array<() => Promise<void>> = [];
  const after: Array<() => Promise<void>> = [];
  const path: string[] = [];
  const api: ContractTestApi = {
    describe: (name, body) => {
      path.push(name);
      body();
      path.pop();
    },
    it: (name, body) => void cases.push({ name: [...path, name].join(' › '), body }),
    beforeAll: (body) => void before.push(body),
    afterAll: (body) => void after.push(body),
  };
  suite(() => store, api);
  for (const body of before) await body();
  const failed: string[] = [];
  for (const { name, body } of cases) await body().catch(() => failed.push(name));
  for (const body of after) await body();
  return failed;
}

/** One defect planted in an otherwise correct store: the sub-port and the method it replaces. */
const SABOTAGE: Array<[string, Suite, (store: MemoryStore) => void]> = [
  ['tag bumps that do nothing', entryStoreContract, (s) => void (s.entries.bumpTags = async () => undefined)],
  ['a delete that deletes nothing', entryStoreContract, (s) => void (s.entries.delete = async () => 0)],
  ['a load lease any token extends', entryStoreContract, (s) => void (s.entries.extendLease = async () => true)],
  ['a lock any token extends', lockStoreContract, (s) => void (s.locks.extend = async () => true)],
  ['a lock any token releases', lockStoreContract, (s) => void (s.locks.release = async () => true)],
  ['an ack that acks nothing', queueStoreContract, (s) => void (s.queues.ack = async () => true)],
  [
    'a rate-limit reset that resets nothing',
    rateLimitStoreContract,
    (s) => void (s.rateLimits.reset = async () => undefined),
  ],
];

describe('the Store contract fails a store with one planted defect', () => {
  it.each(SABOTAGE)(
    '%s',
    async (_label, suite, plant) => {
      const store = new MemoryStore();
      try {
        plant(store);
        expect((await failingCases(suite, store)).length).toBeGreaterThan(0);
      } finally {
        await store.close();
      }
    },
    120_000,
  );

  // Each suite passes the store unbroken, so a failure above is the planted defect's.
  const SUITES: Array<[string, Suite]> = [
    ['entries', entryStoreContract],
    ['locks', lockStoreContract],
    ['queues', queueStoreContract],
    ['rate limits', rateLimitStoreContract],
  ];
  it.each(SUITES)(
    'and the %s suite passes the same store unbroken',
    async (_label, suite) => {
      const store = new MemoryStore();
      try {
        expect(await failingCases(suite, store)).toEqual([]);
      } finally {
        await store.close();
      }
    },
    120_000,
  );
});
