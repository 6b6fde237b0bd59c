// The README quick start, as written there, with a tiny in-memory `db` standing in for the user's database.
import 'reflect-metadata';
import { testRedisUrl } from '@cachet/testing';
import { Test } from '@nestjs/testing';

const calls: string[] = [];
const rows = new Map<string, { id: string; name: string }>([['42', { id: '42', name: 'Ada' }]]);
const db = {
  users: {
    async findById(id: string) {
      calls.push(`find:${id}`);
      return rows.get(id);
    },
    async update(id: string, patch: { name: string }) {
      calls.push(`update:${id}`);
      rows.set(id, { id, ...patch });
      return rows.get(id);
    },
  },
};

// ---- README quick start (begin) ----
import { Injectable, Module } from '@nestjs/common';
import { Cacheable, CacheEvict, CacheModule } from '@cachet/nestjs';

@Injectable()
export class UsersService {
  @Cacheable({ key: (id: string) => `user:${id}`, ttl: '10m', tags: (id: string) => [`user:${id}`] })
  async findOne(id: string) {
    return db.users.findById(id); // runs once per 10 minutes per id, however many callers
  }

  @CacheEvict({ tags: (id: string) => [`user:${id}`] })
  async rename(id: string, name: string) {
    return db.users.update(id, { name });
  }
}

@Module({
  imports: [CacheModule.forRoot({ redis: 'redis://localhost:6379', namespace: 'app', ttl: '1h' })],
  providers: [UsersService],
})
export class AppModule {}
// ---- README quick start (end) ----

describe('the README quick start', () => {
  it('compiles and caches, then evicts on rename', async () => {
    // Only the Redis address differs: tests use the run's private server, never port 6379.
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideModule(AppModule)
      .useModule(AppModuleOnTestRedis())
      .compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const users = app.get(UsersService);
    const cache = app.get((await import('@cachet/nestjs')).CacheService);
    await cache.delete('user:42');

    expect(await users.findOne('42')).toEqual({ id: '42', name: 'Ada' });
    expect(await users.findOne('42')).toEqual({ id: '42', name: 'Ada' });
    expect(calls.filter((call) => call === 'find:42')).toHaveLength(1);
    await users.rename('42', 'Ada Lovelace');
    expect(await users.findOne('42')).toEqual({ id: '42', name: 'Ada Lovelace' });
    expect(calls.filter((call) => call === 'find:42')).toHaveLength(2);
    await app.close();
  });
});

function AppModuleOnTestRedis() {
  @Module({
    imports: [CacheModule.forRoot({ redis: testRedisUrl(), namespace: `app-quick-start-${process.pid}`, ttl: '1h' })],
    providers: [UsersService],
  })
  class TestAppModule {}
  return TestAppModule;
}
