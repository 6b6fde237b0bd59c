import type { DemoConfig } from './config/demo-config.js';

/** What `npm run demo` prints once the server listens: where it is and what to try first. */
export function startupBanner(config: DemoConfig, url: string): string {
  const database =
    config.database.kind === 'postgres'
      ? 'PostgreSQL (DATABASE_URL)'
      : 'PGlite, embedded (set DATABASE_URL for PostgreSQL)';
  const store =
    config.store === 'redis' ? `Redis at ${config.redisUrl}` : 'IN MEMORY (no Redis, see the warning above)';
  return [
    '',
    `  Cachet demo API listening on ${url}`,
    `  cache: ${store}`,
    `  database: ${database}`,
    '',
    '  A short tour (docs/demo.md has the long one):',
    `    curl ${url}/                                   # every endpoint and what it shows`,
    `    curl ${url}/users/7                            # twice: the second read runs no query`,
    `    curl -X PUT ${url}/users/7 -H 'content-type: application/json' -d '{"name":"Ada"}'   # write-through`,
    `    curl "${url}/products?category=books"          # a list cached under the tag of its category`,
    `    curl -i ${url}/products/10                     # the HTTP response cached: X-Cache: MISS, then HIT`,
    `    curl ${url}/quotes/ACME                        # 300 ms upstream once, then instant`,
    `    curl -i -X POST ${url}/auth/login -H 'content-type: application/json' \\`,
    `         -d '{"email":"user1@example.com","password":"cachet-demo"}'   # rate-limited per IP and account`,
    `    curl ${url}/cache/stats                        # hits, misses, stampede and queue figures`,
    '',
  ].join('\n');
}
