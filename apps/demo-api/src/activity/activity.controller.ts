import { BadRequestException, Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Demonstrates } from '../catalog/demonstrates.decorator.js';
import type { WriteBehindQueueStats } from '@cachet/core';
import type { ActivityEvent } from './activity-event.js';
import { ACTIVITY_QUEUE, ActivityQueue } from './activity-queue.js';
import { ActivityService } from './activity.service.js';

@Controller('activity')
export class ActivityController {
  constructor(
    private readonly activity: ActivityService,
    private readonly queue: ActivityQueue,
  ) {}

  @Post()
  @HttpCode(202)
  @Demonstrates(
    '@WriteBehind: the call returns once the event is durable in Redis; rows are inserted later, in batches',
  )
  async record(@Body() body: unknown): Promise<{ id: string; accepted: true }> {
    const event = parseActivity(body);
    await this.queue.append(event);
    return { id: event.id, accepted: true };
  }

  @Get('stats')
  @Demonstrates('Write-behind figures: rows persisted per type, queue depth, flushed and dead letters')
  async stats(): Promise<{ persisted: Record<string, number>; queue: WriteBehindQueueStats }> {
    const [persisted, queue] = await Promise.all([
      this.activity.persistedByType(),
      this.queue.writeBehind.stats(ACTIVITY_QUEUE),
    ]);
    return { persisted, queue };
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
