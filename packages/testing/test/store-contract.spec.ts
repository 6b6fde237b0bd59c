import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MemoryStore } from '@cachet/core/store';
import { describeStoreContract } from '@cachet/testing';

// What docs/testing.md shows a store author: the whole contract, on the runner's globals.
describeStoreContract('MemoryStore, as a store author runs it', () => {
  const store = new MemoryStore();
  return { store, close: () => store.close() };
});

describe('the Store contract outside Jest', () => {
  it('runs under node:test, which has no globals, given its test functions (against the built package)', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/node-test-contract.mjs', import.meta.url));
    const child = spawn(process.execPath, ['--test-reporter=tap', fixture], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect({ code, fail: /^# fail (\d+)$/m.exec(output)?.[1] }).toEqual({ code: 0, fail: '0' });
    expect(Number(/^# pass (\d+)$/m.exec(output)?.[1])).toBeGreaterThan(40);
  });
});
