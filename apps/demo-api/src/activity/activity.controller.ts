import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
} from '@nestjs/common';
import { CacheService } from '@cachet/nestjs';
import { randomUUID } from 'node:crypto';
import { Demonstrates } from '../catalog/demonstrates.decorator.js';
import type { WriteBehindQueueStats } from '@cachet/core';
import type { ActivityEvent } from './activity-event.js';
import { ACTIVITY_QUEUE, ActivityService } from './activity.service.js';

@Controller('activity')
export class ActivityController {
  constructor(
    private readonly activity: ActivityService,
    private readonly cache: CacheService,
  ) {}

  @Post()
  @HttpCode(202)
  @Demonstrates(
    '@WriteBehind: the call returns once the event is durable in Redis; rows are inserted later, in batches',
  )
  async record(@Body() body: unknown): Promise<{ id: string; accepted: true }> {
    const event = parseActivity(body);
    await this.activity.record(event);
    return { id: event.id, accepted: true };
  }

  @Get('stats')
  @Demonstrates('Write-behind figures: rows persisted per type, queue depth, flushed and dead letters')
  async stats(): Promise<{ persisted: Record<string, number>; queue: WriteBehindQueueStats }> {
    const [persisted, queue] = await Promise.all([
      this.activity.persistedByType(),
      this.cache.writeBehindStats(ACTIVITY_QUEUE),
    ]);
    return { persisted, queue };
  }

  // Declared after 'stats', so /activity/stats is not taken for an id.
  @Get(':id')
  @Demonstrates('Read-your-writes: an event still queued for the database is already answered from the cache')
  async findOne(@Param('id', new ParseUUIDPipe()) id: string): Promise<ActivityEvent> {
    const event = await this.activity.findOne(id);
    if (!event) throw new NotFoundException(`activity ${id} not found`);
    return event;
  }
}

function parseActivity(body: unknown): ActivityEvent {
  const { userId, type, detail } = (body ?? {}) as Record<string, unknown>;
  if (typeof userId !== 'number' || !Number.isInteger(userId) || userId < 1) {
    throw new BadRequestException('userId must be a positive integer');
  }
  if (typeof type !== 'string' || !/^[a-z][a-z0-9_.-]{0,31}$/.test(type)) {
    throw new BadRequestException('type must be a short lowercase word, e.g. "page.view"');
  }
  if (detail !== undefined && (typeof detail !== 'string' || detail.length > 500)) {
    throw new BadRequestException('detail must be a string of at most 500 characters');
  }
  return { id: randomUUID(), userId, type, detail: detail ?? null, occurredAt: new Date().toISOString() };
}
