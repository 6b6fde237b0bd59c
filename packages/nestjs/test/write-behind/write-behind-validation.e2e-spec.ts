import 'reflect-metadata';
import { Injectable, type Type } from '@nestjs/common';
import { Cacheable, CacheBindingError, WriteBehind, WriteBehindBatch, type WriteBehindItem } from '../../src/index.js';
import { bootCacheApp } from '../support/test-app.js';

@Injectable()
class StringKey {
  // @ts-expect-error the key must be a function
  @WriteBehind({ queue: 'q', key: 'profile' })
  async save(): Promise<void> {}
}

@Injectable()
class WrongOptionTypes {
  // @ts-expect-error coalesce is a boolean
  @WriteBehind({ queue: 'q', key: () => 'k', coalesce: 'yes' })
  async save(): Promise<void> {}
}

@Injectable()
class ZeroBatch {
  @WriteBehind({ queue: 'q', key: () => 'k', batch: { size: 0 } })
  async save(): Promise<void> {}
}

@Injectable()
class BadQueueName {
  @WriteBehind({ queue: 'user {profiles}', key: () => 'k' })
  async save(): Promise<void> {}
}

@Injectable()
class TwoBatchPersisters {
  @WriteBehind({ queue: 'q', key: () => 'k' })
  async save(): Promise<void> {}

  @WriteBehindBatch('q')
  async saveMany(_items: WriteBehindItem[]): Promise<void> {}

  @WriteBehindBatch('q')
  async saveAll(_items: WriteBehindItem[]): Promise<void> {}
}

@Injectable()
class OrphanBatchPersister {
  @WriteBehind({ queue: 'profiles', key: () => 'k' })
  async save(): Promise<void> {}

  @WriteBehindBatch('profile')
  async saveMany(_items: WriteBehindItem[]): Promise<void> {}
}

@Injectable()
class TwoWritersNoBatch {
  @WriteBehind({ queue: 'q', key: () => 'a' })
  async saveA(): Promise<void> {}

  @WriteBehind({ queue: 'q', key: () => 'b' })
  async saveB(): Promise<void> {}
}

@Injectable()
class ConflictingQueueOptions {
  @WriteBehind({ queue: 'q', key: () => 'a', coalesce: true })
  async saveA(): Promise<void> {}

  @WriteBehind({ queue: 'q', key: () => 'b' })
  async saveB(): Promise<void> {}

  @WriteBehindBatch('q')
  async saveMany(_items: WriteBehindItem[]): Promise<void> {}
}

@Injectable()
class CachedAndBehind {
  @Cacheable({ key: () => 'k' })
  @WriteBehind({ queue: 'q', key: () => 'k' })
  async save(): Promise<void> {}
}

@Injectable()
class NotAsync {
  // @ts-expect-error a cache decorator needs an async method
  @WriteBehind({ queue: 'q', key: () => 'k' })
  save(): void {}
}

@Injectable()
class TwoWritersOneBatch {
  @WriteBehind({ queue: 'q', key: () => 'a' })
  async saveA(): Promise<void> {}

  @WriteBehind({ queue: 'q', key: () => 'b' })
  async saveB(): Promise<void> {}

  @WriteBehindBatch('q')
  async saveMany(_items: WriteBehindItem[]): Promise<void> {}
}

const cases: Array<[string, Type, RegExp]> = [
  [
    'a key that is not a function',
    StringKey,
    /^StringKey\.save: @WriteBehind option "key" is "profile"; expected a function/,
  ],
  ['an option of the wrong type', WrongOptionTypes, /^WrongOptionTypes\.save: @WriteBehind option "coalesce" is "yes"/],
  ['a batch size of 0', ZeroBatch, /^ZeroBatch\.save: @WriteBehind .*batch\.size.*positive integer/],
  ['a queue name with braces', BadQueueName, /^BadQueueName\.save: @WriteBehind option "queue"/],
  [
    'a queue with two @WriteBehindBatch',
    TwoBatchPersisters,
    /^TwoBatchPersisters\.saveAll: .*declared twice.*TwoBatchPersisters\.saveMany/,
  ],
  [
    'a @WriteBehindBatch no @WriteBehind writes',
    OrphanBatchPersister,
    /^OrphanBatchPersister\.saveMany: .*'profile'.*no @WriteBehind/,
  ],
  [
    'two writers of a queue without a batch persister',
    TwoWritersNoBatch,
    /^TwoWritersNoBatch\.saveB: .*also written by TwoWritersNoBatch\.saveA/,
  ],
  [
    'queue options that differ between writers',
    ConflictingQueueOptions,
    /^ConflictingQueueOptions\.saveB: .*other options on ConflictingQueueOptions\.saveA/,
  ],
  [
    '@WriteBehind with @Cacheable',
    CachedAndBehind,
    /^CachedAndBehind\.save: @WriteBehind cannot share a method with @Cacheable/,
  ],
  ['a method that is not async', NotAsync, /^NotAsync\.save: @WriteBehind needs an async method/],
];

describe('@WriteBehind bootstrap validation', () => {
  it.each(cases)('fails app.init() on %s, naming Class.method', async (_case, provider, message) => {
    const failure = await bootCacheApp({ providers: [provider] }, { store: 'memory' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CacheBindingError);
    expect((failure as Error).message).toMatch(message);
  });

  it('accepts several writers of a queue that has a batch persister', async () => {
    const app = await bootCacheApp({ providers: [TwoWritersOneBatch] }, { store: 'memory' });
    await app.close();
  });
});
