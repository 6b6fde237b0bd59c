import type { BatchObservableCallback, Counter, Histogram, Observable } from '@opentelemetry/api';
import type { ResolvedTelemetryOptions } from './telemetry-options.js';
import { inSpan, openTelemetry, secondsSince, type OpenTelemetry } from './tracing.js';

/** The flusher's running totals (see `FlusherCounters`). */
interface FlushTotals {
  readonly flushed: number;
  readonly retried: number;
  readonly deadLettered: number;
}

/** What the queue gauges read (a `WriteBehind` engine). */
export interface ObservedQueues {
  queueNames(): string[];
  stats(
    queue: string,
  ): Promise<{ queue: string; depth: number; oldestPendingAgeMs: number | null; deadLetters: number }>;
}

/**
 * OpenTelemetry for write-behind: a `cachet.write_behind.flush` span per batch
 * handed to the persister (a root span: flushes run on the flusher's timer, not
 * in a request), the entries flushed, retried and dead-lettered as counters,
 * and each queue's depth, oldest pending age and dead letters as gauges read
 * from Redis at collection time — the figures of `stats(queue)`.
 */
export class WriteBehindTelemetry {
  private readonly totals: Record<keyof FlushTotals, Counter>;
  private readonly duration: Histogram;

  private constructor(
    private readonly otel: OpenTelemetry,
    private readonly namespace: string,
  ) {
    const { meter } = otel;
    const counter = (name: string, description: string) =>
      meter.createCounter(`cachet.write_behind.${name}`, { description, unit: '{entry}' });
    this.totals = {
      flushed: counter('flushed', 'Writes persisted by this instance'),
      retried: counter('retried', 'Writes handed to the persister again after a failure'),
      deadLettered: counter('dead_lettered', 'Writes moved to the dead-letter stream'),
    };
    this.duration = meter.createHistogram('cachet.write_behind.flush.duration', {
      description: 'Duration of one flush (the persister called with a batch, then the acknowledgements)',
      unit: 's',
    });
  }

  static create(options: ResolvedTelemetryOptions | undefined, namespace: string): WriteBehindTelemetry | undefined {
    return options ? new WriteBehindTelemetry(openTelemetry(options), namespace) : undefined;
  }

  /** Runs one dispatch of `entries` entries in its span; what it flushed is read from the totals it moved. */
  async flush(queue: string, entries: number, totals: FlushTotals, run: () => Promise<void>): Promise<void> {
    const started = performance.now();
    const before = { ...totals };
    let outcome = 'error';
    const attributes = { 'cachet.namespace': this.namespace, 'cachet.queue': queue };
    try {
      await inSpan(
        this.otel,
        'cachet.write_behind.flush',
        { ...attributes, 'cachet.write_behind.entries': entries },
        async (span) => {
          await run();
          const flushed = totals.flushed - before.flushed;
          outcome = flushed === entries ? 'ok' : flushed === 0 ? 'failed' : 'partial';
          span.setAttributes({
            'cachet.outcome': outcome,
            'cachet.write_behind.flushed': flushed,
            'cachet.write_behind.dead_lettered': totals.deadLettered - before.deadLettered,
          });
          if (outcome === 'failed') {
            span.setStatus({
              code: this.otel.api.SpanStatusCode.ERROR,
              message: `the persister failed all ${entries} entries (retried with backoff, or dead-lettered)`,
            });
          }
        },
      );
    } finally {
      for (const field of ['flushed', 'retried', 'deadLettered'] as const) {
        const moved = totals[field] - before[field];
        if (moved > 0) this.totals[field].add(moved, attributes);
      }
      this.duration.record(secondsSince(started), { ...attributes, 'cachet.outcome': outcome });
    }
  }

  /** Registers the queue gauges (read from Redis when metrics are collected); returns the unregister. */
  observeQueues(queues: ObservedQueues): () => void {
    const { meter } = this.otel;
    const depth = meter.createObservableGauge('cachet.write_behind.depth', {
      description: 'Writes appended and not yet persisted or dead-lettered (all instances)',
      unit: '{entry}',
    });
    const oldest = meter.createObservableGauge('cachet.write_behind.oldest_pending_age', {
      description: 'Age of the oldest unpersisted write (0 when the queue is empty)',
      unit: 's',
    });
    const deadLetters = meter.createObservableGauge('cachet.write_behind.dead_letters', {
      description: 'Writes that failed maxAttempts times, waiting to be replayed or purged',
      unit: '{entry}',
    });
    const callback: BatchObservableCallback = async (result) => {
      const all = await Promise.all(queues.queueNames().map((queue) => queues.stats(queue))).catch(() => []);
      for (const stats of all) {
        const attributes = { 'cachet.namespace': this.namespace, 'cachet.queue': stats.queue };
        result.observe(depth, stats.depth, attributes);
        result.observe(oldest, (stats.oldestPendingAgeMs ?? 0) / 1000, attributes);
        result.observe(deadLetters, stats.deadLetters, attributes);
      }
    };
    const instruments: Observable[] = [depth, oldest, deadLetters];
    meter.addBatchObservableCallback(callback, instruments);
    return () => meter.removeBatchObservableCallback(callback, instruments);
  }
}
