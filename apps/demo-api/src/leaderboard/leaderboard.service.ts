import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRedis } from '@cachet/nestjs';
import { DEMO_CONFIG, type DemoConfig } from '../config/demo-config.js';
import { Database, InjectDatabase } from '../database/database.js';
import { requireRedis, type DemoRedis } from '../cache/redis-required.js';

export interface Standing {
  player: string;
  score: number;
  /** 1 is the top. */
  rank: number;
}

/**
 * Leaderboards as Redis sorted sets: ZADD GT keeps each player's best score,
 * ZREVRANK / ZREVRANGE answer rank and neighbours in O(log n), whatever the size.
 */
@Injectable()
export class LeaderboardService implements OnApplicationBootstrap {
  private readonly logger = new Logger(LeaderboardService.name);

  constructor(
    @InjectRedis() private readonly redis: DemoRedis,
    @Inject(DEMO_CONFIG) private readonly config: DemoConfig,
    @InjectDatabase() private readonly db: Database,
  ) {}

  /** Loads the seeded `global` board into Redis the first time. */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.redis || (await this.redis.exists(this.key('global'))) === 1) return;
    const rows = await this.db.query<{ player: string; score: number }>(
      `SELECT player, score FROM scores WHERE board = 'global'`,
    );
    if (rows.length === 0) return;
    await this.redis.zadd(this.key('global'), ...rows.flatMap((row) => [row.score, row.player]));
    this.logger.log(`loaded ${rows.length} players into the global leaderboard`);
  }

  /** Keeps the best score. */
  async submit(board: string, player: string, score: number): Promise<Standing> {
    const redis = requireRedis(this.redis);
    await redis.zadd(this.key(board), 'GT', score, player);
    return (await this.standing(board, player))!;
  }

  async top(board: string, count: number): Promise<Standing[]> {
    const flat = await requireRedis(this.redis).zrevrange(this.key(board), 0, count - 1, 'WITHSCORES');
    return toStandings(flat, 0);
  }

  async standing(board: string, player: string): Promise<Standing | undefined> {
    const redis = requireRedis(this.redis);
    const [rank, score] = await Promise.all([
      redis.zrevrank(this.key(board), player),
      redis.zscore(this.key(board), player),
    ]);
    if (rank === null || score === null) return undefined;
    return { player, score: Number(score), rank: rank + 1 };
  }

  /** The player and up to `radius` neighbours on each side. */
  async around(board: string, player: string, radius: number): Promise<Standing[] | undefined> {
    const redis = requireRedis(this.redis);
    const rank = await redis.zrevrank(this.key(board), player);
    if (rank === null) return undefined;
    const start = Math.max(0, rank - radius);
    const flat = await redis.zrevrange(this.key(board), start, rank + radius, 'WITHSCORES');
    return toStandings(flat, start);
  }

  private key(board: string): string {
    return `${this.config.namespace}:leaderboard:${board}`;
  }
}

function toStandings(flat: string[], offset: number): Standing[] {
  const standings: Standing[] = [];
  for (let index = 0; index < flat.length; index += 2) {
    standings.push({ player: flat[index], score: Number(flat[index + 1]), rank: offset + index / 2 + 1 });
  }
  return standings;
}
