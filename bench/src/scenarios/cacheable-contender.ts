/** A `@Cacheable` service method inside a Nest application context, once @cachet/nestjs provides it. */
export interface CacheableContender {
  available: boolean;
  why: string;
  op: (worker: number) => Promise<unknown>;
  close(): Promise<void>;
}

export async function cacheableContender(_redisUrl: string, _value: unknown): Promise<CacheableContender> {
  const nest = (await import('@cachet/nestjs')) as Record<string, unknown>;
  const missing = ['CacheModule', 'Cacheable'].filter((name) => !(name in nest));
  return {
    available: false,
    why: `@Cacheable not available (@cachet/nestjs lacks ${missing.join(', ') || 'a usable CacheModule'})`,
    op: async () => undefined,
    close: async () => undefined,
  };
}
