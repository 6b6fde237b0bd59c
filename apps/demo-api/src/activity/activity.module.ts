import { Module } from '@nestjs/common';
import { ActivityQueue } from './activity-queue.js';
import { ActivityController } from './activity.controller.js';
import { ActivityService } from './activity.service.js';

@Module({ controllers: [ActivityController], providers: [ActivityService, ActivityQueue] })
export class ActivityModule {}
