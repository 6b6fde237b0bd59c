import { NodeBreakers, type BreakerRouter } from '@cachet/core/store';
import { recordingLogger } from '../support/caches.js';
import { sleep } from '@cachet/testing';

/** A slot table in miniature: each key names its node before a colon. */
class TableRouter implements BreakerRouter {
  nodes = ['a', 'b', 'c'];
  staleCalls = 0;
  private listeners: Array<() => void> = [];
  nodeFor(key: string): string {
    return key.split(':')[0]!;
  }
  servingNodes(): string[] {
    return this.nodes;
  }
  routesMayBeStale(): void {
    this.staleCalls++;
  }
  onRoutesChanged(listener: () => void): void {
    this.listeners.push(listener);
  }
  failover(from: string, to: string): void {
    this.nodes = this.nodes.map((node) => (node === from ? to : node));
    for (const listener of this.listeners) listener();
  }
}

const fail = () => Promise.reject(new Error('Connection is closed.'));
const ok = () => Promise.resolve('ok');

describe('NodeBreakers', () => {
  it("one node's failures open only that node's breaker, and the store's state says some keys are skipped", async () => {
    const router = new TableRouter();
    const changes: string[] = [];
    const breakers = new NodeBreakers(
      {
        threshold: 3,
        resetMs: 60_000,
        logger: recordingLogger(),
        name: 'cache "t"',
        onStateChange: (previous, state, node) => changes.push(`${node}:${previous}->${state}`),
      },
      router,
    );
    for (let i = 0; i < 3; i++) await expect(breakers.run('a:key', fail)).rejects.toThrow('Connection is closed.');
    expect(breakers.allows('a:key')).toBe(false);
    expect(router.staleCalls).toBe(1);
    await expect(breakers.run('b:key', ok)).resolves.toBe('ok');
    expect(breakers.allows('c:other')).toBe(true);
    expect(breakers.nodeStates()).toEqual({ a: 'open' });
    expect(breakers.state).toBe('half-open');
    expect(changes).toEqual(['a:closed->open']);
  });

  it('is open only when every serving node is; a failover moves the keys to a closed breaker and re-probes the rest', async () => {
    const router = new TableRouter();
    const breakers = new NodeBreakers({ threshold: 1, resetMs: 60_000, logger: recordingLogger(), name: 'x' }, router);
    for (const node of ['a', 'b', 'c']) await expect(breakers.run(`${node}:k`, fail)).rejects.toThrow();
    expect(breakers.state).toBe('open');
    router.failover('a', 'a2'); // the replica of a now serves its slots; b and c were opened by CLUSTERDOWN
    expect(breakers.allows('a2:k')).toBe(true);
    expect(breakers.for('b:k').state).toBe('half-open');
    await expect(breakers.run('b:k', ok)).resolves.toBe('ok');
    expect(breakers.nodeStates()).toEqual({ c: 'half-open' }); // a serves nothing any more: forgotten
  });

  it('while a failover settles, a breaker opened again (a master still answering CLUSTERDOWN) is soon re-probed', async () => {
    const router = new TableRouter();
    const breakers = new NodeBreakers({ threshold: 1, resetMs: 60_000, logger: recordingLogger(), name: 'x' }, router);
    router.failover('a', 'a2');
    await expect(breakers.run('b:k', fail)).rejects.toThrow(); // opened after the re-probe of the failover
    expect(breakers.allows('b:k')).toBe(false);
    await sleep(250);
    await expect(breakers.run('b:k', ok)).resolves.toBe('ok');
    expect(breakers.state).toBe('closed');
  });

  it('without a router (a single server) there is exactly one breaker, as before', async () => {
    const breakers = new NodeBreakers({ threshold: 2, resetMs: 60_000, logger: recordingLogger(), name: 'x' });
    await expect(breakers.run('a:k', fail)).rejects.toThrow();
    await expect(breakers.run('b:k', fail)).rejects.toThrow();
    expect(breakers.for('c:k')).toBe(breakers.for(undefined));
    expect(breakers.state).toBe('open');
    expect(breakers.nodeStates()).toEqual({});
  });
});
