import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { Database, InjectDatabase } from '../database/database.js';
import { toUser, USER_COLUMNS, type User, type UserPatch, type UserRow } from './user.js';

@Injectable()
export class UsersService {
  constructor(@InjectDatabase() private readonly db: Database) {}

  async findOne(id: number): Promise<User | null> {
    const row = await this.db.one<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
    return row ? toUser(row) : null;
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
    return toUser(row);
  }

  async remove(id: number): Promise<boolean> {
    const rows = await this.db.query(`DELETE FROM users WHERE id = $1 RETURNING id`, [id]);
    return rows.length > 0;
  }
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
