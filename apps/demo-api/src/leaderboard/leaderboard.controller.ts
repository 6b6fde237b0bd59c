import {
  BadRequestException,
  Body,
  Controller,
  DefaultValuePipe,
  Get,
  NotFoundException,
  Param,
  ParseIntPipe,
  Post,
  Query,
} from '@nestjs/common';
import { Demonstrates } from '../catalog/demonstrates.decorator.js';
import { LeaderboardService, type Standing } from './leaderboard.service.js';

const NAME = /^[a-zA-Z0-9_-]{1,40}$/;

@Controller('leaderboard/:board')
export class LeaderboardController {
  constructor(private readonly leaderboard: LeaderboardService) {}

  @Post('scores')
  @Demonstrates('Sorted set through @InjectRedis(): ZADD GT keeps the best score; answers the new rank')
  submit(@Param('board') board: string, @Body() body: unknown): Promise<Standing> {
    const { player, score } = (body ?? {}) as Record<string, unknown>;
    if (typeof player !== 'string' || !NAME.test(player)) throw new BadRequestException('player must be a short name');
    if (typeof score !== 'number' || !Number.isSafeInteger(score))
      throw new BadRequestException('score must be an integer');
    return this.leaderboard.submit(boardName(board), player, score);
  }

  @Get('top')
  @Demonstrates('ZREVRANGE WITHSCORES: the top N (?limit=10, at most 100)')
  top(
    @Param('board') board: string,
    @Query('limit', new DefaultValuePipe(10), ParseIntPipe) limit: number,
  ): Promise<Standing[]> {
    return this.leaderboard.top(boardName(board), Math.min(Math.max(limit, 1), 100));
  }

  @Get('rank/:player')
  @Demonstrates("ZREVRANK + ZSCORE: one player's rank, O(log n)")
  async rank(@Param('board') board: string, @Param('player') player: string): Promise<Standing> {
    const standing = await this.leaderboard.standing(boardName(board), player);
    if (!standing) throw new NotFoundException(`${player} has no score on ${board}`);
    return standing;
  }

  @Get('around/:player')
  @Demonstrates('The neighbours of a player (?radius=2, at most 25) in one ZREVRANGE')
  async around(
    @Param('board') board: string,
    @Param('player') player: string,
    @Query('radius', new DefaultValuePipe(2), ParseIntPipe) radius: number,
  ): Promise<Standing[]> {
    const standings = await this.leaderboard.around(boardName(board), player, Math.min(Math.max(radius, 0), 25));
    if (!standings) throw new NotFoundException(`${player} has no score on ${board}`);
    return standings;
  }
}

function boardName(board: string): string {
  if (!NAME.test(board)) throw new BadRequestException('board must be a short name');
  return board;
}
