import {
  BadRequestException,
  Body,
  Controller,
  Get,
  NotFoundException,
  Param,
  ParseIntPipe,
  Patch,
} from '@nestjs/common';
import { Demonstrates } from '../catalog/demonstrates.decorator.js';
import { PROFILE_FIELDS, ProfileFieldsService, type ProfileField } from './profile-fields.service.js';

interface FieldValue {
  userId: number;
  field: ProfileField;
  value: string;
}

@Controller('users/:id/fields')
export class ProfileFieldsController {
  constructor(private readonly fields: ProfileFieldsService) {}

  @Get(':field')
  @Demonstrates('A hash per object through @InjectRedis(): HGET reads one field')
  async get(@Param('id', ParseIntPipe) userId: number, @Param('field') raw: string): Promise<FieldValue> {
    const field = profileField(raw);
    const value = await this.fields.get(userId, field);
    if (value === undefined) throw new NotFoundException(`user ${userId} has no ${field}`);
    return { userId, field, value };
  }

  @Patch(':field')
  @Demonstrates('HSET writes one field, without reading or rewriting the others')
  async set(
    @Param('id', ParseIntPipe) userId: number,
    @Param('field') raw: string,
    @Body() body: unknown,
  ): Promise<FieldValue> {
    const field = profileField(raw);
    const value = (body as { value?: unknown } | undefined)?.value;
    if (typeof value !== 'string' || value.length > 500) {
      throw new BadRequestException('value must be a string of at most 500 characters');
    }
    await this.fields.set(userId, field, value);
    return { userId, field, value };
  }
}

function profileField(raw: string): ProfileField {
  if (!(PROFILE_FIELDS as readonly string[]).includes(raw)) {
    throw new BadRequestException(`field must be one of ${PROFILE_FIELDS.join(', ')}`);
  }
  return raw as ProfileField;
}
