import 'reflect-metadata';
import { Inject, Injectable, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Cacheable, CacheEvict, CacheModule } from '@cachet/nestjs';
import { Cache, CACHE_MANAGER, CacheModule as CacheManagerModule } from '@cachet/nestjs/cache-manager';

// The two versions of docs/migrating-from-cache-manager.md, step 2, on the same database.
interface User {
  id: string;
  name: string;
}

class Db {
  reads = 0;
  private readonly rows = new Map<string, User>([['42', { id: '42', name: 'Ada' }]]);
  readonly users = {
    findById: async (id: string): Promise<User | undefined> => {
      this.reads++;
      const row = this.rows.get(id);
      return row && { ...row };
    },
    update: async (id: string, patch: Partial<User>): Promise<User> => {
      const row = { ...this.rows.get(id)!, ...patch };
      this.rows.set(id, row);
      return { ...row };
    },
  };
}

@Injectable()
class UsersBefore {
  constructor(
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    private readonly db: Db,
  ) {}

  async findOne(id: string) {
    const cached = await this.cache.get<User>(`user:${id}`);
    if (cached) return cached;
    const user = await this.db.users.findById(id);
    await this.cache.set(`user:${id}`, user, 600_000);
    return user;
  }

  async rename(id: string, name: string) {
    const user = await this.db.users.update(id, { name });
    await this.cache.del(`user:${id}`);
    return user;
  }
}

@Injectable()
class UsersAfter {
  constructor(private readonly db: Db) {}

  @Cacheable({ key: (id: string) => `user:${id}`, ttl: '10m', tags: (id: string) => [`user:${id}`] })
  async findOne(id: string) {
    return this.db.users.findById(id);
  }

  @CacheEvict({ tags: (id: string) => [`user:${id}`] })
  async rename(id: string, name: string) {
    return this.db.users.update(id, { name });
  }
}

type Users = UsersBefore | UsersAfter;

async function boot(imports: unknown[], service: new (...args: never[]) => Users): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: imports as never[],
    providers: [Db, service],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

describe.each([
  ['before: CACHE_MANAGER by hand', () => [CacheManagerModule.register()], UsersBefore],
  ['after: @Cacheable and a tag', () => [CacheModule.forRoot({ store: 'memory', namespace: 'guide' })], UsersAfter],
] as const)('migration guide, step 2 (%s)', (_label, imports, service) => {
  it('reads the database once, and the new name after a rename', async () => {
    const app = await boot(imports(), service);
    try {
      const users = app.get<Users>(service);
      const db = app.get(Db);
      expect(await users.findOne('42')).toEqual({ id: '42', name: 'Ada' });
      expect(await users.findOne('42')).toEqual({ id: '42', name: 'Ada' });
      expect(db.reads).toBe(1);
      await users.rename('42', 'Grace');
      expect(await users.findOne('42')).toEqual({ id: '42', name: 'Grace' });
      expect(db.reads).toBe(2);
    } finally {
      await app.close();
    }
  });
});
