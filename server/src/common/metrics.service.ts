import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The hub's Prometheus metrics, one registry per process (tests may run several hubs in one process). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly ingestEvents = new Counter({
    name: 'kj_ingest_events_total',
    help: 'Ingested events by outcome (stored, duplicate, rejected)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly ingestRequests = new Counter({
    name: 'kj_ingest_requests_total',
    help: 'Ingest requests by HTTP status',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  readonly flushSeconds = new Histogram({
    name: 'kj_ingest_flush_seconds',
    help: 'Time to write one buffered flush to the database',
    buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly flushRows = new Histogram({
    name: 'kj_ingest_flush_rows',
    help: 'Rows per flush',
    buckets: [1, 10, 100, 500, 1000, 2500, 5000, 10000, 20000],
    registers: [this.registry],
  });
  readonly buffered = new Gauge({ name: 'kj_ingest_buffered_events', help: 'Events waiting for the next flush', registers: [this.registry] });
  readonly sockets = new Gauge({ name: 'kj_live_sockets', help: 'Connected wallboard sockets', registers: [this.registry] });
  readonly framesSent = new Counter({
    name: 'kj_live_deltas_total',
    help: 'Deltas emitted to rooms by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: 'kj_queue_jobs',
    help: 'BullMQ jobs by queue and state',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'kj_' });
  }
}
