import assert from 'node:assert/strict';
import type { Store } from '@cachet/core/store';
import { sleep } from '../sleep.js';
import { uniqueNamespace } from '../unique-namespace.js';
import { waitUntil } from '../wait-until.js';
import { DELIVERY_TIMEOUT_MS, recorder } from './assertions.js';
import { resolveTestApi, type ContractTestApi } from './contract-test-api.js';

/** Long enough for a message that should not arrive to have arrived. */
const QUIET_MS = 100;

const channelName = (label: string) => `${uniqueNamespace('bus')}:${label}`;

async function heard(messages: string[], expected: string[]): Promise<void> {
  await waitUntil(() => messages.length >= expected.length, {
    timeoutMs: DELIVERY_TIMEOUT_MS,
    what: `messages ${JSON.stringify(expected)} (heard ${JSON.stringify(messages)})`,
  });
  assert.deepEqual(messages, expected);
}

/**
 * The behaviour every MessageBus must have: a confirmed subscription hears
 * every message published after it, in order, on its channel only; every
 * handler of a channel hears it; closing one handler leaves the others;
 * delivery is asynchronous, never inside `publish`. Recovery after a lost
 * connection (`onResubscribe`) needs a connection to lose and is the
 * backend's own test.
 */
export function messageBusContract(getStore: () => Store, test?: ContractTestApi): void {
  const { it } = resolveTestApi(test);

  it('delivers what is published after a confirmed subscribe, in order, on that channel only', async () => {
    const { bus } = getStore();
    const channel = channelName('a');
    const own = recorder();
    const other = recorder();
    const unsubscribe = await bus.subscribe(channel, own.handler);
    const unsubscribeOther = await bus.subscribe(channelName('b'), other.handler);
    try {
      for (const message of ['one', 'two', 'three']) await bus.publish(channel, message);
      await heard(own.messages, ['one', 'two', 'three']);
      await sleep(QUIET_MS);
      assert.deepEqual(other.messages, [], 'another channel hears nothing');
    } finally {
      await unsubscribe();
      await unsubscribeOther();
    }
  });

  it('delivers to every handler of a channel; unsubscribing one leaves the others', async () => {
    const { bus } = getStore();
    const channel = channelName('shared');
    const first = recorder();
    const second = recorder();
    const unsubscribeFirst = await bus.subscribe(channel, first.handler);
    const unsubscribeSecond = await bus.subscribe(channel, second.handler);
    try {
      await bus.publish(channel, 'both');
      await heard(first.messages, ['both']);
      await heard(second.messages, ['both']);
      await unsubscribeFirst();
      await bus.publish(channel, 'second only');
      await heard(second.messages, ['both', 'second only']);
      await sleep(QUIET_MS);
      assert.deepEqual(first.messages, ['both'], 'an unsubscribed handler hears nothing more');
    } finally {
      await unsubscribeSecond();
    }
  });

  it('delivers asynchronously, never inside publish', async () => {
    const { bus } = getStore();
    const channel = channelName('async');
    const own = recorder();
    const unsubscribe = await bus.subscribe(channel, own.handler);
    try {
      const published = bus.publish(channel, 'later');
      assert.deepEqual(own.messages, [], 'no handler runs before publish returns');
      await published;
      await heard(own.messages, ['later']);
    } finally {
      await unsubscribe();
    }
  });

  it('listen: listening once the first attempt is confirmed, onChange agrees, close stops delivery', async () => {
    const { bus } = getStore();
    const channel = channelName('listen');
    const own = recorder();
    const changes: boolean[] = [];
    const subscription = bus.listen(channel, own.handler, (listening) => changes.push(listening));
    assert.equal(await subscription.firstAttempt, true);
    assert.equal(subscription.isListening(), true);
    assert.ok(
      changes.every((listening) => listening),
      `onChange heard ${JSON.stringify(changes)}`,
    );
    await bus.publish(channel, 'heard');
    await heard(own.messages, ['heard']);
    const late = bus.listen(channel, recorder().handler);
    assert.equal(await late.firstAttempt, true, 'a second listener of a confirmed channel');
    late.close();
    subscription.close();
    assert.equal(subscription.isListening(), false);
    await bus.publish(channel, 'after close');
    await sleep(QUIET_MS);
    assert.deepEqual(own.messages, ['heard']);
  });

  it('publishes to a channel nobody listens to without error', async () => {
    await getStore().bus.publish(channelName('nobody'), 'lost');
  });
}
