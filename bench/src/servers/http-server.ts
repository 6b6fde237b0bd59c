import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { onStop, send } from '../harness/child-process.js';
import { ProductSource } from './product.source.js';

/**
 * One benchmarked HTTP server, alone in its process (argv: app redisUrl).
 * Listens on 127.0.0.1, port 0, and reports its port; answers `stats` with
 * how many times the route's source ran.
 */
const [appName, redisUrl] = process.argv.slice(2) as [string, string];

async function main(): Promise<void> {
  const { buildModule } = (await import(`./apps/${appName}.app.js`)) as {
    buildModule: (redisUrl: string) => Promise<unknown>;
  };
  const module = await buildModule(redisUrl);
  const app = await NestFactory.create(module as never, { logger: false, abortOnError: false });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const source = app.get(ProductSource);
  onStop(() => app.close());
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'stats') send({ type: 'stats', sourceCalls: source.calls });
  });
  send({ type: 'ready', port });
}

main().catch((error: unknown) => {
  const message = `${appName}: ${(error as Error).message ?? String(error)}`;
  // Exit only once the parent has the reason.
  if (process.send) process.send({ type: 'error', message }, () => process.exit(1));
  else process.exit(1);
});
