import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Cache } from '@cachet/core';
import { DEMO_CACHE } from '../cache/demo-cache.module.js';
import { Database, InjectDatabase } from '../database/database.js';
import { toUser, USER_COLUMNS, type User, type UserPatch, type UserRow } from './user.js';

export const userKey = (id: number): string => `user:${id}`;
export const userTag = (id: number): string => `user:${id}`;

/** Ten minutes past the last read, never more than an hour after the database was read. */
const USER_ENTRY = { ttl: '10m', sliding: true, maxAge: '1h' } as const;

@Injectable()
export class UsersService {
  constructor(
    @InjectDatabase() private readonly db: Database,
    @Inject(DEMO_CACHE) private readonly cache: Cache,
  ) {}

  findOne(id: number): Promise<User | null> {
    return this.cache.getOrSet(userKey(id), () => this.load(id), {
      ...USER_ENTRY,
      tags: [userTag(id)],
      lock: { ttl: '5s', wait: '2s' },
    });
  }

  async update(id: number, patch: UserPatch): Promise<User> {
    const row = await this.db
      .one<UserRow>(
        `UPDATE users SET name = coalesce($2, name), email = coalesce($3, email), updated_at = now()
         WHERE id = $1 RETURNING ${USER_COLUMNS}`,
        [id, patch.name ?? null, patch.email ?? null],
      )
      .catch((error: unknown) => {
        if (isUniqueViolation(error)) throw new ConflictException(`email ${patch.email} is taken`);
        throw error;
      });
    if (!row) throw new NotFoundException(`user ${id} not found`);
    const user = toUser(row);
    await this.cache.set(userKey(id), user, { ...USER_ENTRY, tags: [userTag(id)] });
    return user;
  }

  async remove(id: number): Promise<boolean> {
    const rows = await this.db.query(`DELETE FROM users WHERE id = $1 RETURNING id`, [id]);
    await this.cache.invalidateTags(userTag(id));
    return rows.length > 0;
  }

  private async load(id: number): Promise<User | null> {
    const row = await this.db.one<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
    return row ? toUser(row) : null;
  }
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
