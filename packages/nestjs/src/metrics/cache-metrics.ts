import type { Registry } from 'prom-client';

/**
 * Cachet's Prometheus registry for this app (its own unless you passed one to
 * `CacheMetricsModule.forRoot({ registry })`). Inject it to add your metrics or
 * to serve them yourself.
 */
export class CacheMetrics {
  constructor(
    readonly registry: Registry,
    private readonly unsubscribe: () => void,
  ) {}

  /** The exposition text (what `/metrics` answers). */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  close(): void {
    this.unsubscribe();
  }
}
