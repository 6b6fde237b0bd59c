import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DEMO_CONFIG, type DemoConfig } from '../config/demo-config.js';
import { DATABASE, Database, type SqlDriver } from './database.js';
import { migrate } from './migrations.js';
import { PgliteDriver } from './pglite.driver.js';
import { PostgresDriver } from './postgres.driver.js';
import { seed } from './seed.js';

async function openDatabase(config: DemoConfig): Promise<Database> {
  const logger = new Logger('Database');
  const driver: SqlDriver =
    config.database.kind === 'postgres'
      ? await PostgresDriver.open(config.database.url, config.database.schema)
      : await PgliteDriver.open(config.database.dataDir);
  const db = new Database(driver);
  const applied = await migrate(db);
  if (applied.length > 0) logger.log(`migrations applied: ${applied.join(', ')}`);
  const { seeded } = await seed(db, config.seed);
  if (seeded) {
    logger.log(`seeded ${config.seed.users} users, ${config.seed.products} products, ${config.seed.players} players`);
  }
  return db;
}

@Global()
@Module({
  providers: [{ provide: DATABASE, inject: [DEMO_CONFIG], useFactory: openDatabase }],
  exports: [DATABASE],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  // The last hook Nest runs: write-behind queues have drained into the database by now.
  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
  }
}
