import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { BatchingEventSink } from './event-sink';
import { HubIngestTransport } from './hub-ingest.transport';
import type { Jt808Config } from './jt808.config';
import { Jt808EventMapper } from './jt808-event.mapper';
import { Jt808Gateway } from './jt808-gateway';
import { Jt808Metrics } from './jt808-metrics';
import { HubTerminalDirectory } from './terminal-directory';

/** The gateway process assembled: directory and sink over the hub's HTTP API, the TCP server, /metrics. */
export interface Jt808App {
  gateway: Jt808Gateway;
  sink: BatchingEventSink;
  directory: HubTerminalDirectory;
  metrics: Jt808Metrics;
  port: number;
  metricsPort: number | null;
  stop(): Promise<void>;
}

export async function startJt808App(config: Readonly<Jt808Config>, logger: Logger = pino({ level: config.logLevel, name: 'jt808' })): Promise<Jt808App> {
  const metrics = new Jt808Metrics();
  const directory = new HubTerminalDirectory({ hubUrl: config.hubUrl, token: config.token, requestTimeoutMs: config.requestTimeoutMs });
  // Unknown terminals are refused, so accepting connections before the mapping is loaded would refuse all.
  for (let attempt = 1; ; attempt++) {
    try {
      const n = await directory.refresh();
      logger.info({ terminals: n }, 'terminal directory loaded');
      break;
    } catch (e) {
      const wait = Math.min(10_000, 250 * 2 ** Math.min(attempt, 6));
      logger.warn({ err: (e as Error).message, attempt, retryInMs: wait }, 'terminal directory not loaded yet');
      await new Promise((r) => setTimeout(r, wait));
    }
  }
  const refresher = setInterval(() => {
    directory.refresh().then(
      (n) => logger.debug({ terminals: n }, 'terminal directory refreshed'),
      (e: Error) => logger.warn({ err: e.message }, 'terminal directory refresh failed; keeping the previous mapping'),
    );
  }, config.networkRefreshMs);
  refresher.unref();

  const transport = new HubIngestTransport({ hubUrl: config.hubUrl, token: config.token, requestTimeoutMs: config.requestTimeoutMs });
  let lastRetryLog = 0;
  const sink = new BatchingEventSink(transport, config.batching, {
    onRequest: (outcome, ms) => {
      metrics.inc('sink_requests_total', { outcome });
      metrics.hubRequest.observe(ms);
    },
    onRetry: (reason, attempt) => {
      const now = Date.now();
      if (attempt === 1 || now - lastRetryLog > 5_000) {
        lastRetryLog = now;
        logger.warn({ reason, attempt, queued: sink.depth }, 'hub delivery failed; retrying');
      }
    },
    onRejected: (event, message) => {
      metrics.inc('sink_events_total', { outcome: 'rejected' });
      logger.warn({ id: event.id, type: event.type, message }, 'hub rejected an event');
    },
  });
  metrics.gauge('sink_events_stored', () => sink.stats.stored);
  metrics.gauge('sink_duplicates', () => sink.stats.duplicates);

  const gateway = new Jt808Gateway(config.gateway, { logger, metrics, directory, sink, mapper: new Jt808EventMapper(config.mapper) });
  const addr = await gateway.listen();

  let http: Server | null = null;
  let metricsPort: number | null = null;
  if (config.metrics.port !== 0) {
    http = createServer((req, res) => {
      if (req.url === '/metrics') {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metrics.toPrometheus());
      } else if (req.url === '/health') {
        const ok = directory.loadedAt !== null;
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            status: ok ? 'ok' : 'down',
            connections: gateway.connectionCount,
            terminals: directory.size,
            queue: { depth: sink.depth, capacity: sink.capacity, waiting: sink.waiting },
            hub: { lastSuccessAt: sink.stats.lastSuccessAt && new Date(sink.stats.lastSuccessAt).toISOString(), lastError: sink.stats.lastError },
          }),
        );
      } else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => http!.listen(config.metrics.port, config.metrics.host, resolve));
    metricsPort = (http.address() as AddressInfo).port;
    logger.info({ port: metricsPort }, 'JT/T 808 metrics listening');
  }

  return {
    gateway,
    sink,
    directory,
    metrics,
    port: addr.port,
    metricsPort,
    async stop() {
      clearInterval(refresher);
      await gateway.close();
      await sink.close(10_000);
      if (http) await new Promise<void>((resolve) => http!.close(() => resolve()));
    },
  };
}
