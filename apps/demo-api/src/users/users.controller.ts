import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseIntPipe,
  Put,
} from '@nestjs/common';
import { Demonstrates } from '../catalog/demonstrates.decorator.js';
import type { User, UserPatch } from './user.js';
import { UsersService } from './users.service.js';

@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get(':id')
  @Demonstrates('@Cacheable with sliding expiry (capped by maxAge), a per-user tag and the stampede lease')
  async findOne(@Param('id', ParseIntPipe) id: number): Promise<User> {
    const user = await this.users.findOne(id);
    if (!user) throw new NotFoundException(`user ${id} not found`);
    return user;
  }

  @Put(':id')
  @Demonstrates('@WriteThrough: the database write, then the cache holds the new user (the next GET is a hit)')
  update(@Param('id', ParseIntPipe) id: number, @Body() body: UserPatch): Promise<User> {
    return this.users.update(id, parseUserPatch(body));
  }

  @Delete(':id')
  @HttpCode(204)
  @Demonstrates("@CacheEvict by tag: only this user's entries go")
  async remove(@Param('id', ParseIntPipe) id: number): Promise<void> {
    if (!(await this.users.remove(id))) throw new NotFoundException(`user ${id} not found`);
  }
}

function parseUserPatch(body: unknown): UserPatch {
  const { name, email } = (body ?? {}) as Record<string, unknown>;
  const patch: UserPatch = {};
  if (name !== undefined) {
    if (typeof name !== 'string' || name.trim() === '')
      throw new BadRequestException('name must be a non-empty string');
    patch.name = name.trim();
  }
  if (email !== undefined) {
    if (typeof email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(email))
      throw new BadRequestException('email is invalid');
    patch.email = email.toLowerCase();
  }
  if (patch.name === undefined && patch.email === undefined) throw new BadRequestException('send name and/or email');
  return patch;
}
