import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Post,
  UnauthorizedException,
} from '@nestjs/common';
import type { Duration } from '@cachet/core';
import { RateLimit } from '@cachet/nestjs';
import { Demonstrates } from '../catalog/demonstrates.decorator.js';
import { DEMO_CONFIG, type DemoConfig } from '../config/demo-config.js';
import { AuthService } from './auth.service.js';
import { bearerToken, type Session } from './session.js';

interface Credentials {
  email: string;
  password: string;
}

@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(DEMO_CONFIG) private readonly config: DemoConfig,
  ) {}

  @Post('login')
  @HttpCode(200)
  @RateLimit([
    // Exact counts (sliding log): one address cannot spray many accounts...
    { name: 'login-ip', limit: 20, window: '15m', algorithm: 'sliding-log', by: 'ip' },
    // ...and many addresses cannot take turns on one account.
    {
      name: 'login-account',
      limit: 5,
      window: '15m',
      algorithm: 'sliding-log',
      by: (context) => loginAccount(context.switchToHttp().getRequest<{ body?: unknown }>().body),
      skipIf: (context) => loginAccount(context.switchToHttp().getRequest<{ body?: unknown }>().body) === '',
    },
  ])
  @Demonstrates(
    '@RateLimit sliding-log per IP and per account; the session is cached with a sliding TTL and an absolute cap',
  )
  async login(@Body() body: unknown): Promise<{ token: string; session: Session; ttl: Duration; maxAge: Duration }> {
    const { email, password } = parseCredentials(body);
    const { token, session } = await this.auth.login(email, password);
    return { token, session, ...this.config.sessions };
  }

  @Get('session')
  @Demonstrates('Reads the session (Authorization: Bearer <token>); every read slides its expiry')
  async session(@Headers('authorization') authorization: string | undefined): Promise<Session> {
    const token = bearerToken(authorization);
    const session = token ? await this.auth.session(token) : undefined;
    if (!session) throw new UnauthorizedException('no session: log in first');
    return session;
  }

  @Post('logout')
  @HttpCode(204)
  @Demonstrates('@CacheEvict of the session key: the token stops working at once')
  async logout(@Headers('authorization') authorization: string | undefined): Promise<void> {
    const token = bearerToken(authorization);
    if (!token) throw new UnauthorizedException('send Authorization: Bearer <token>');
    await this.auth.logout(token);
  }
}

/** The account a login attempt names; the per-account rate limit keys on it. */
export function loginAccount(body: unknown): string {
  const email = (body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? email.trim().toLowerCase() : '';
}

function parseCredentials(body: unknown): Credentials {
  const email = loginAccount(body);
  const password = (body as { password?: unknown } | undefined)?.password;
  if (!email || typeof password !== 'string' || password === '') {
    throw new BadRequestException('send {"email": "...", "password": "..."}');
  }
  return { email, password };
}
