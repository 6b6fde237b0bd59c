import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';

@Controller()
class PingController {
  @Get('ping')
  ping() {
    return { pong: true };
  }
}

@Module({ controllers: [PingController] })
class PingModule {}

describe('Nest under jest ESM', () => {
  it('boots an app and answers a request', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [PingModule] }).compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    await request(app.getHttpServer()).get('/ping').expect(200, { pong: true });
    await app.close();
  });
});
