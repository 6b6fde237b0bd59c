import { Inject, Injectable } from '@nestjs/common';
import { InjectRedis } from '@cachet/nestjs';
import { requireRedis, type DemoRedis } from '../cache/redis-required.js';
import { DEMO_CONFIG, type DemoConfig } from '../config/demo-config.js';

/** The fields a profile may hold: a fixed list keeps each hash small and its memory bounded. */
export const PROFILE_FIELDS = ['bio', 'theme', 'locale', 'timezone', 'avatar'] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

/**
 * One Redis hash per user (`<namespace>:profile:<id>`): reading or writing one
 * field is one HGET / HSET, with no read-modify-write of a serialized blob.
 */
@Injectable()
export class ProfileFieldsService {
  constructor(
    @InjectRedis() private readonly redis: DemoRedis,
    @Inject(DEMO_CONFIG) private readonly config: DemoConfig,
  ) {}

  async get(userId: number, field: ProfileField): Promise<string | undefined> {
    return (await requireRedis(this.redis).hget(this.key(userId), field)) ?? undefined;
  }

  async set(userId: number, field: ProfileField, value: string): Promise<void> {
    await requireRedis(this.redis).hset(this.key(userId), field, value);
  }

  private key(userId: number): string {
    return `${this.config.namespace}:profile:${userId}`;
  }
}
