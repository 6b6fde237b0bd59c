import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { CacheEvict, CacheService } from '@cachet/nestjs';
import { randomBytes } from 'node:crypto';
import { DEMO_CONFIG, type DemoConfig } from '../config/demo-config.js';
import { Database, InjectDatabase } from '../database/database.js';
import { verifyPassword } from './password.js';
import { sessionKey, type Session } from './session.js';

@Injectable()
export class AuthService {
  constructor(
    @InjectDatabase() private readonly db: Database,
    private readonly cache: CacheService,
    @Inject(DEMO_CONFIG) private readonly config: DemoConfig,
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
    const { ttl, maxAge } = this.config.sessions;
    await this.cache.set(sessionKey(token), session, { ttl, sliding: true, maxAge });
    return { token, session };
  }

  /** Each read slides the session's expiry forward (up to its absolute cap). */
  async session(token: string): Promise<Session | undefined> {
    return this.cache.get<Session>(sessionKey(token));
  }

  /** Deleting the entry is the whole logout: the token stops working on every instance at once. */
  @CacheEvict({ keys: (token: string) => [sessionKey(token)] })
  async logout(_token: string): Promise<void> {}
}

const UNKNOWN_ACCOUNT_HASH = 'scrypt$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
