import { Module } from '@nestjs/common';
import { ProfileFieldsController } from './profile-fields.controller.js';
import { ProfileFieldsService } from './profile-fields.service.js';

@Module({ controllers: [ProfileFieldsController], providers: [ProfileFieldsService] })
export class ProfileFieldsModule {}
