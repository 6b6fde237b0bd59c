import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { Cacheable, CacheEvict, WriteThrough } from '@cachet/nestjs';
import { Database, InjectDatabase } from '../database/database.js';
import { toUser, USER_COLUMNS, type User, type UserPatch, type UserRow } from './user.js';

export const userKey = (id: number): string => `user:${id}`;
export const userTag = (id: number): string => `user:${id}`;

@Injectable()
export class UsersService {
  constructor(@InjectDatabase() private readonly db: Database) {}

  /**
   * Ten minutes past the last read (sliding), never more than an hour after the
   * database was read (maxAge). A cold user read by many requests at once is
   * loaded once: the first caller takes the lease, the others wait for its value.
   */
  @Cacheable({
    key: (id: number) => userKey(id),
    ttl: '10m',
    sliding: true,
    maxAge: '1h',
    tags: (id: number) => [userTag(id)],
    lock: { ttl: '5s', wait: '2s' },
  })
  async findOne(id: number): Promise<User | null> {
    const row = await this.db.one<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
    return row ? toUser(row) : null;
  }

  /** The UPDATE first; only once it succeeded does the cache hold the new user (a failed write evicts it). */
  @WriteThrough({ key: (id: number) => userKey(id), ttl: '10m', tags: (id: number) => [userTag(id)] })
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
    return toUser(row);
  }

  /** Invalidates the tag `user:<id>`: every entry about this user, and nothing else. */
  @CacheEvict({ tags: (id: number) => [userTag(id)] })
  async remove(id: number): Promise<boolean> {
    const rows = await this.db.query(`DELETE FROM users WHERE id = $1 RETURNING id`, [id]);
    return rows.length > 0;
  }
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
