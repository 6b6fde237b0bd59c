import { defineScript } from '../../src/store/redis/redis-script.js';
import { entryWriteScript } from '../../src/store/entries/entry-write.script.js';
import { rateLimitConsumeCall } from '../../src/store/rate-limits/rate-limit-consume.script.js';

describe('defineScript', () => {
  const script = defineScript({
    name: 'cachetTestScript',
    lua: 'return 1',
    keys: ['first', 'second'],
    moreKeys: 'rest',
    args: ['token', 'ttlMs'],
    moreArgs: 'pairs',
    decode: (reply: number) => reply === 1,
  });

  it('sends keys and arguments in the declared order, whatever the order of the call site', () => {
    expect(script.keyList({ rest: ['c', 'd'], second: 'b', first: 'a' })).toEqual(['a', 'b', 'c', 'd']);
    expect(script.argList({ pairs: ['x', 1], ttlMs: 500, token: 't' })).toEqual(['t', 500, 'x', 1]);
    expect(script.numberOfKeys).toBe(-1);
    expect(script.reply).toBe('string');
    expect(script.decode(1)).toBe(true);
  });

  it('a call site cannot leave out, misname or list keys and arguments by position (checked by the compiler)', () => {
    // @ts-expect-error the lease key is missing
    entryWriteScript.keyList({ entry: 'e', fence: 'f' });
    // @ts-expect-error positional keys are not accepted
    entryWriteScript.keyList(['e', 'f', 'l']);
    // @ts-expect-error an argument name the script does not know
    script.argList({ token: 't', ttlMs: 1, pairs: [], tokn: 'x' });
    expect(entryWriteScript.numberOfKeys).toBe(3);
  });

  it('refuses a definition that names a key or argument twice', () => {
    expect(() =>
      defineScript({ name: 'cachetTwice', lua: 'return 1', keys: ['key'], args: ['key'], decode: () => 0 }),
    ).toThrow('cachetTwice names a key or argument twice');
  });

  it('the rate-limit batch sends each policy as the Lua reads it: state and block, then six values', () => {
    const keys = { state: 's', block: 'b' };
    const request = {
      keys,
      algorithm: 'token-bucket',
      limit: 10,
      windowMs: 1000,
      cost: 2,
      blockMs: 0,
      burst: 3,
    } as const;
    const call = rateLimitConsumeCall([
      request,
      { ...request, algorithm: 'fixed-window', keys: { state: 's2', block: 'b2' } },
    ]);
    expect(call.script.keyList(call.keys)).toEqual(['s', 'b', 's2', 'b2']);
    expect(call.script.argList(call.args)).toEqual([4, 10, 1000, 2, 0, 3, 1, 10, 1000, 2, 0, 3]);
    expect(call.script.numberOfKeys).toBe(4);
  });
});
