import 'reflect-metadata';
import { Injectable, type INestApplication } from '@nestjs/common';
import { Cacheable, CacheEvict, CacheService } from '../../src/index.js';
import { bootCacheApp, CallLog } from '../support/test-app.js';
import { uniqueNamespace } from '@cachet/testing';

class WriteFailed extends Error {}

@Injectable()
class ArticlesService {
  readonly log = new CallLog();
  /** What `rename` saw in the cache when it ran: proves when the eviction happened. */
  seenDuringWrite: unknown[] = [];

  constructor(private readonly cache: CacheService) {}

  @Cacheable({ key: (id: string) => `article:${id}`, tags: (id: string) => [`article:${id}`, 'articles'] })
  async find(id: string): Promise<string> {
    this.log.record(id);
    return `${id}@${this.log.count(id)}`;
  }

  @Cacheable({ key: (id: string) => `article:${id}`, namespace: 'drafts' })
  async findDraft(id: string): Promise<string> {
    this.log.record(`draft:${id}`);
    return `draft ${id}@${this.log.count(`draft:${id}`)}`;
  }

  @CacheEvict({ keys: (id: string) => [`article:${id}`] })
  async rename(id: string, fail = false): Promise<string> {
    this.seenDuringWrite.push(await this.cache.get(`article:${id}`));
    if (fail) throw new WriteFailed(id);
    return id;
  }

  @CacheEvict({ keys: (id: string) => [`article:${id}`], beforeInvocation: true })
  async renameEvictingFirst(id: string, fail = false): Promise<string> {
    this.seenDuringWrite.push(await this.cache.get(`article:${id}`));
    if (fail) throw new WriteFailed(id);
    return id;
  }

  @CacheEvict({ tags: ['articles'] })
  async reindex(): Promise<void> {}

  @CacheEvict({ tags: (id: string) => [`article:${id}`] })
  async touch(_id: string): Promise<void> {}

  @CacheEvict({ allEntries: true })
  async purge(): Promise<void> {}

  @CacheEvict({ keys: ['article:a', 'article:b'] })
  async dropFixedKeys(): Promise<void> {}

  @CacheEvict({ keys: (id: string) => [`article:${id}`], namespace: 'drafts' })
  async publishDraft(_id: string): Promise<void> {}
}

describe('@CacheEvict', () => {
  let app: INestApplication;
  let articles: ArticlesService;

  beforeEach(async () => {
    app = await bootCacheApp({ providers: [ArticlesService] }, { namespace: uniqueNamespace('evict') });
    articles = app.get(ArticlesService);
  });

  afterEach(() => app.close());

  it('evicts after the method succeeded, by default', async () => {
    expect(await articles.find('a')).toBe('a@1');
    expect(await articles.rename('a')).toBe('a');
    expect(articles.seenDuringWrite).toEqual(['a@1']); // still cached while the method ran
    expect(await articles.find('a')).toBe('a@2');
  });

  it('does not evict when the method throws', async () => {
    await articles.find('a');
    const failure = articles.rename('a', true);
    await expect(failure).rejects.toBeInstanceOf(WriteFailed);
    expect(await articles.find('a')).toBe('a@1');
  });

  it('evicts before the method runs with beforeInvocation, even when it throws', async () => {
    await articles.find('a');
    await articles.renameEvictingFirst('a');
    expect(articles.seenDuringWrite).toEqual([undefined]);
    expect(await articles.find('a')).toBe('a@2');
    await expect(articles.renameEvictingFirst('a', true)).rejects.toBeInstanceOf(WriteFailed);
    expect(await articles.find('a')).toBe('a@3');
  });

  it('invalidates tags, fixed or computed from the arguments', async () => {
    await articles.find('a');
    await articles.find('b');
    await articles.touch('a');
    expect(await articles.find('a')).toBe('a@2');
    expect(await articles.find('b')).toBe('b@1');
    await articles.reindex();
    expect(await articles.find('a')).toBe('a@3');
    expect(await articles.find('b')).toBe('b@2');
  });

  it('deletes a fixed list of keys', async () => {
    await articles.find('a');
    await articles.find('b');
    await articles.find('c');
    await articles.dropFixedKeys();
    expect(await articles.find('a')).toBe('a@2');
    expect(await articles.find('b')).toBe('b@2');
    expect(await articles.find('c')).toBe('c@1');
  });

  it('clears every entry of the namespace with allEntries', async () => {
    await articles.find('a');
    await articles.find('b');
    await articles.purge();
    expect(await articles.find('a')).toBe('a@2');
    expect(await articles.find('b')).toBe('b@2');
  });

  it('keeps sub-namespaces apart: a key is evicted only in its own namespace', async () => {
    await articles.find('a');
    expect(await articles.findDraft('a')).toBe('draft a@1');
    await articles.publishDraft('a');
    expect(await articles.findDraft('a')).toBe('draft a@2');
    expect(await articles.find('a')).toBe('a@1');
  });
});
