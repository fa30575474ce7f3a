import { createServer, type AddressInfo, type Server } from 'node:net';
import type { Logger } from 'pino';
import { MAX_ESCAPED_CONTENT } from './codec/jt808-frame.codec';
import { DEFAULT_REASSEMBLER_OPTIONS, type ReassemblerOptions } from './codec/jt808-reassembler';
import type { EventSink } from './event-sink';
import { Jt808Connection, type CloseReason } from './jt808-connection';
import type { Jt808EventMapper } from './jt808-event.mapper';
import type { Jt808Metrics } from './jt808-metrics';
import type { TerminalDirectory } from './terminal-directory';

export interface GatewayOptions {
  host: string;
  port: number;
  /** Secret behind the auth codes handed out at registration. */
  authSecret: string;
  /** A connection that sends nothing for this long is closed. */
  idleTimeoutMs: number;
  /** A connection that has not authenticated within this long is closed. */
  authTimeoutMs: number;
  /** Largest escaped frame content accepted; longer ones are skipped to the next flag. */
  maxFrameContent: number;
  /** Sustained frames per second one connection may send, and the burst above it. */
  rateFramesPerSec: number;
  rateBurst: number;
  /** Events of one connection waiting for the hub before its reading pauses. */
  maxPendingEvents: number;
  /** Decoded-but-unhandled frames of one connection before its reading pauses. */
  maxInbox: number;
  /** Bytes of answers a terminal may leave unread before it is disconnected. */
  maxWriteBuffer: number;
  maxConnections: number;
  reassembly: ReassemblerOptions;
}

export const DEFAULT_GATEWAY_OPTIONS: Omit<GatewayOptions, 'authSecret'> = {
  host: '0.0.0.0',
  port: 6808,
  idleTimeoutMs: 180_000,
  authTimeoutMs: 30_000,
  maxFrameContent: MAX_ESCAPED_CONTENT,
  rateFramesPerSec: 50,
  rateBurst: 200,
  maxPendingEvents: 2_000,
  maxInbox: 64,
  maxWriteBuffer: 256 * 1024,
  maxConnections: 20_000,
  reassembly: DEFAULT_REASSEMBLER_OPTIONS,
};

/** What a connection needs from the gateway. */
export interface Jt808GatewayContext {
  readonly options: GatewayOptions;
  readonly logger: Logger;
  readonly metrics: Jt808Metrics;
  readonly directory: TerminalDirectory;
  readonly sink: EventSink;
  readonly mapper: Jt808EventMapper;
  /** The connection authenticated as its phone: it replaces any earlier connection of that terminal. */
  claimed(conn: Jt808Connection): void;
  /** The connection closed (reason), or gave up its terminal without closing (null). */
  released(conn: Jt808Connection, reason: CloseReason | null): void;
}

export interface GatewayDeps {
  logger: Logger;
  metrics: Jt808Metrics;
  directory: TerminalDirectory;
  sink: EventSink;
  mapper: Jt808EventMapper;
}

/** The JT/T 808 TCP server: accepts terminals, keeps one connection per terminal, sweeps timeouts. */
export class Jt808Gateway implements Jt808GatewayContext {
  readonly logger: Logger;
  readonly metrics: Jt808Metrics;
  readonly directory: TerminalDirectory;
  readonly sink: EventSink;
  readonly mapper: Jt808EventMapper;
  private readonly server: Server;
  private readonly connections = new Set<Jt808Connection>();
  private readonly byPhone = new Map<string, Jt808Connection>();
  private nextId = 1;
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    readonly options: GatewayOptions,
    deps: GatewayDeps,
  ) {
    ({ logger: this.logger, metrics: this.metrics, directory: this.directory, sink: this.sink, mapper: this.mapper } = deps);
    this.server = createServer({ noDelay: true }, (socket) => {
      const conn = new Jt808Connection(socket, this, this.nextId++);
      this.connections.add(conn);
      this.metrics.inc('connections_opened_total');
    });
    this.server.maxConnections = options.maxConnections;
    this.server.on('error', (err) => this.logger.error({ err: err.message }, 'JT/T 808 listener error'));
    this.metrics.gauge('connections_active', () => this.connections.size);
    this.metrics.gauge('terminals_online', () => this.byPhone.size);
    this.metrics.gauge('sink_queue_depth', () => this.sink.depth);
    this.metrics.gauge('sink_queue_capacity', () => this.sink.capacity);
    this.metrics.gauge('sink_waiting', () => this.sink.waiting);
    this.metrics.gauge('directory_terminals', () => this.directory.size);
  }

  async listen(): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host: this.options.host, port: this.options.port, backlog: 4096 }, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.sweeper = setInterval(() => this.sweep(), 1_000);
    this.sweeper.unref();
    const addr = this.server.address() as AddressInfo;
    this.logger.info({ host: addr.address, port: addr.port }, 'JT/T 808 gateway listening');
    return addr;
  }

  /** Stops accepting, closes every connection; the sink is the caller's to drain. */
  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    const closing = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of this.connections) c.close('shutdown');
    await closing;
  }

  /** The live connection of a terminal, by normalized phone. */
  connectionOf(phone: string): Jt808Connection | undefined {
    return this.byPhone.get(phone);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  claimed(conn: Jt808Connection): void {
    const phone = conn.phone!;
    const prev = this.byPhone.get(phone);
    if (prev && prev !== conn) {
      this.logger.info({ phone, old: prev.id, new: conn.id }, 'terminal reconnected; closing its previous connection');
      prev.close('replaced');
    }
    this.byPhone.set(phone, conn);
  }

  released(conn: Jt808Connection, reason: CloseReason | null): void {
    if (conn.phone && this.byPhone.get(conn.phone) === conn) this.byPhone.delete(conn.phone);
    if (reason === null) return;
    this.connections.delete(conn);
    this.metrics.inc('connections_closed_total', { reason });
  }

  private sweep(): void {
    const now = Date.now();
    for (const c of this.connections) {
      if (!c.authenticated && !c.closed && now - c.connectedAt > this.options.authTimeoutMs) {
        c.close('auth_timeout');
        continue;
      }
      if (c.reassembler.size > 0) for (const s of c.reassembler.sweep(now)) c.onStalled(s);
    }
  }
}
