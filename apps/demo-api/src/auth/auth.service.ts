import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Cache } from '@cachet/core';
import { randomBytes } from 'node:crypto';
import { DEMO_CACHE } from '../cache/demo-cache.module.js';
import { Database, InjectDatabase } from '../database/database.js';
import { verifyPassword } from './password.js';
import { sessionKey, type Session } from './session.js';

/** A session lives 30 minutes past its last use, and never more than 12 hours. */
export const SESSION_TTL = '30m';
export const SESSION_MAX_AGE = '12h';

@Injectable()
export class AuthService {
  constructor(
    @InjectDatabase() private readonly db: Database,
    @Inject(DEMO_CACHE) private readonly cache: Cache,
  ) {}

  async login(email: string, password: string): Promise<{ token: string; session: Session }> {
    const account = await this.db.one<{ id: number; email: string; password_hash: string }>(
      'SELECT id, email, password_hash FROM users WHERE email = $1',
      [email],
    );
    // Verify even when the account does not exist, so timing does not reveal which emails are registered.
    const valid = await verifyPassword(password, account?.password_hash ?? UNKNOWN_ACCOUNT_HASH);
    if (!account || !valid) throw new UnauthorizedException('invalid email or password');
    const token = randomBytes(32).toString('base64url');
    const session: Session = { userId: account.id, email: account.email, createdAt: new Date().toISOString() };
    await this.cache.set(sessionKey(token), session, { ttl: SESSION_TTL, sliding: true, maxAge: SESSION_MAX_AGE });
    return { token, session };
  }

  /** Each read slides the session's expiry forward (up to its absolute cap). */
  async session(token: string): Promise<Session | undefined> {
    return this.cache.get<Session>(sessionKey(token));
  }

  async logout(token: string): Promise<void> {
    await this.cache.delete(sessionKey(token));
  }
}

const UNKNOWN_ACCOUNT_HASH = 'scrypt$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
