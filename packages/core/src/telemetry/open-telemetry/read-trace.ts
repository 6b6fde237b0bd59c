import type { Attributes, Context, Histogram, Span } from '@opentelemetry/api';
import { inSpan, secondsSince, type OpenTelemetry } from './tracing.js';

/** What a read's steps report through (the cache's telemetry). */
export interface ReadTelemetry {
  readonly otel: OpenTelemetry;
  readonly loadDuration: Histogram;
  readonly leaseWaitDuration: Histogram;
  attributes(namespace: string, key: string): Attributes;
}

/** How a read was answered, as spans and metrics name it. */
export type ReadOutcomeName = 'hit' | 'l1-hit' | 'miss' | 'stale';

/** How a lease wait ended: the holder's value (fresh or stale) landed, the lease came to this caller, or it gave up. */
export type LeaseWaitOutcome = 'hit' | 'stale' | 'takeover' | 'timeout' | 'error';

/**
 * One read as the read-through path reports it: the steps that run for it
 * (its loader, a wait on another instance's lease) become children of its
 * span, even when they run after it ended (a background refresh).
 */
export class ReadTrace {
  /** Set when the in-process tier answered (the result alone says `hit`). */
  fromL1 = false;

  constructor(
    private readonly telemetry: ReadTelemetry,
    private readonly namespace: string,
    private readonly key: string,
    /** The read span's context; `undefined` when it is not recorded, so no child is started. */
    private readonly spanContext: Context | undefined,
  ) {}

  l1Hit(): void {
    this.fromL1 = true;
  }

  /** Runs the loader in a `cachet.cache.load` span (active while it runs: the loader's own spans nest in it). */
  async load<T>(loader: () => Promise<T>): Promise<T> {
    const { telemetry } = this;
    const started = performance.now();
    let outcome = 'error';
    try {
      const value = this.spanContext
        ? await inSpan(
            telemetry.otel,
            'cachet.cache.load',
            telemetry.attributes(this.namespace, this.key),
            () => loader(),
            this.spanContext,
          )
        : await loader();
      outcome = 'ok';
      return value;
    } finally {
      telemetry.loadDuration.record(secondsSince(started), {
        'cachet.namespace': this.namespace,
        'cachet.outcome': outcome,
      });
    }
  }

  /** Starts timing a wait on another instance's lease; the wait reports when `end` is called. */
  leaseWait(): LeaseWaitTrace {
    const span = this.spanContext
      ? this.telemetry.otel.tracer.startSpan(
          'cachet.cache.lease_wait',
          { attributes: this.telemetry.attributes(this.namespace, this.key) },
          this.spanContext,
        )
      : undefined;
    return new LeaseWaitTrace(this.telemetry, this.namespace, span);
  }
}

/** A wait on another instance's lease, in progress. */
export class LeaseWaitTrace {
  private readonly started = performance.now();
  private wakeUps = 0;
  private ended = false;

  constructor(
    private readonly telemetry: ReadTelemetry,
    private readonly namespace: string,
    private readonly span: Span | undefined,
  ) {}

  /** The landing value woke this waiter (rather than its timer). */
  wokenUp(): void {
    this.wakeUps++;
  }

  end(outcome: LeaseWaitOutcome): void {
    if (this.ended) return;
    this.ended = true;
    this.span?.setAttributes({ 'cachet.outcome': outcome, 'cachet.lease_wait.wake_ups': this.wakeUps });
    this.span?.end();
    this.telemetry.leaseWaitDuration.record(secondsSince(this.started), {
      'cachet.namespace': this.namespace,
      'cachet.outcome': outcome,
    });
  }
}
