import type { Socket } from 'node:net';
import type { IngestEvent } from '@kanjian/shared';
import type { Logger } from 'pino';
import { normalizePhone } from './codec/bcd.util';
import { decodeFrame, encodeFrame, Jt808Deframer, type Jt808Header, type ProtocolVersion } from './codec/jt808-frame.codec';
import {
  BodyError,
  decodeAuthenticate,
  decodeGeneralAck,
  decodeLocation,
  decodeLocationBatch,
  decodeRegister,
  encodePlatformAck,
  encodeRegisterAck,
  encodeResendRequest,
} from './codec/jt808-message.codec';
import { Jt808Reassembler, type StalledMessage } from './codec/jt808-reassembler';
import { AckResult, MsgId, RegisterResult, type AckResultCode } from './codec/jt808.constants';
import { authCodeFor, authCodeMatches } from './jt808-auth';
import type { SinkOutcome } from './event-sink';
import type { MapResult, ReportInput } from './jt808-event.mapper';
import type { Jt808GatewayContext } from './jt808-gateway';

export type CloseReason = 'peer' | 'idle' | 'auth_timeout' | 'auth_failed' | 'replaced' | 'write_overflow' | 'unmapped' | 'shutdown' | 'error';

interface InboxItem {
  content: Buffer;
  arrivedAt: number;
}

const hex4 = (n: number) => `0x${n.toString(16).padStart(4, '0')}`;

/**
 * One terminal's TCP connection: framing, authentication, flow control and the message handlers.
 * Frames are handled one at a time in arrival order. Reading pauses (TCP pushes back on the terminal)
 * while the connection is over its frame rate, has too many events waiting for the hub, or the shared
 * sink is full, so one terminal's flood costs only that terminal.
 */
export class Jt808Connection {
  readonly id: number;
  readonly connectedAt = Date.now();
  phone: string | null = null;
  authenticated = false;
  closed = false;
  private closeReason: CloseReason = 'peer';
  private version: ProtocolVersion = '2013';
  private protocolVersion = 0;
  private replyPhone: string | null = null;
  private outSerial = 0;
  private readonly deframer: Jt808Deframer;
  private readonly inbox: InboxItem[] = [];
  private pumping = false;
  private paused = false;
  private tokens: number;
  private lastRefill = Date.now();
  private rateTimer: NodeJS.Timeout | null = null;
  private pendingEvents = 0;
  private waitingForPending = false;
  readonly reassembler: Jt808Reassembler;
  private badFrames = 0;
  private readonly log: Logger;

  constructor(
    readonly socket: Socket,
    private readonly ctx: Jt808GatewayContext,
    id: number,
  ) {
    this.id = id;
    const o = ctx.options;
    this.deframer = new Jt808Deframer(o.maxFrameContent);
    this.reassembler = new Jt808Reassembler(o.reassembly);
    this.tokens = o.rateBurst;
    this.log = ctx.logger.child({ conn: id, remote: `${socket.remoteAddress}:${socket.remotePort}` });
    socket.setNoDelay(true);
    socket.setTimeout(o.idleTimeoutMs);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('timeout', () => this.close('idle'));
    socket.on('error', (err) => {
      this.log.debug({ err: err.message }, 'socket error');
      if (this.closeReason === 'peer') this.closeReason = 'error';
    });
    socket.on('close', () => this.onClose());
  }

  /** Closes the connection; the first reason given is the one counted. */
  close(reason: CloseReason): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    if (reason === 'auth_failed' || reason === 'unmapped') {
      // Let the refusal reach the terminal, but do not wait on a peer that never closes its side.
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 2_000).unref();
    } else this.socket.destroy();
  }

  private onClose(): void {
    this.closed = true;
    if (this.rateTimer) clearTimeout(this.rateTimer);
    this.inbox.length = 0;
    this.ctx.released(this, this.closeReason);
  }

  private onData(chunk: Buffer): void {
    const now = Date.now();
    const st = this.deframer.stats;
    const [oversize, discarded] = [st.oversizeFrames, st.discardedBytes];
    for (const content of this.deframer.push(chunk)) this.inbox.push({ content, arrivedAt: now });
    if (st.discardedBytes !== discarded) this.ctx.metrics.inc('bytes_discarded_total', undefined, st.discardedBytes - discarded);
    if (st.oversizeFrames !== oversize) {
      this.ctx.metrics.inc('frames_rejected_total', { reason: 'oversize' }, st.oversizeFrames - oversize);
      this.noteBadFrame('oversize', `frame content over ${this.ctx.options.maxFrameContent} bytes; skipped to the next flag`);
    }
    if (this.inbox.length >= this.ctx.options.maxInbox) this.pause('buffer');
    void this.pump();
  }

  /** Stops reading; counted per cause each time the cause blocks this connection. */
  private pause(cause: 'rate' | 'pending' | 'sink' | 'buffer'): void {
    if (this.closed) return;
    if (cause !== 'buffer' || !this.paused) this.ctx.metrics.inc('flow_paused_total', { cause });
    if (this.paused) return;
    this.paused = true;
    this.socket.pause();
  }

  private maybeResume(): void {
    if (this.paused && !this.closed && this.inbox.length < this.ctx.options.maxInbox / 2 && !this.rateTimer && !this.waitingForPending) {
      this.paused = false;
      this.socket.resume();
    }
  }

  private takeToken(): boolean {
    const o = this.ctx.options;
    const now = Date.now();
    this.tokens = Math.min(o.rateBurst, this.tokens + ((now - this.lastRefill) * o.rateFramesPerSec) / 1000);
    this.lastRefill = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    const waitMs = Math.ceil(((1 - this.tokens) * 1000) / o.rateFramesPerSec);
    this.pause('rate');
    this.rateTimer = setTimeout(() => {
      this.rateTimer = null;
      void this.pump();
    }, waitMs);
    return false;
  }

  private async pump(): Promise<void> {
    if (this.pumping || this.rateTimer) return;
    this.pumping = true;
    try {
      while (this.inbox.length > 0 && !this.closed) {
        if (this.pendingEvents >= this.ctx.options.maxPendingEvents) {
          this.waitingForPending = true;
          this.pause('pending');
          return;
        }
        if (!this.takeToken()) return;
        const item = this.inbox.shift()!;
        await this.handleFrame(item);
      }
    } catch (e) {
      this.log.error({ err: (e as Error).stack }, 'frame handler failed');
      this.close('error');
    } finally {
      this.pumping = false;
      this.maybeResume();
    }
  }

  private noteBadFrame(reason: string, detail: string): void {
    this.badFrames++;
    // Log the first few per connection, then one in a hundred: a noisy line must not flood the log.
    if (this.badFrames <= 5 || this.badFrames % 100 === 0) {
      this.log.warn({ reason, detail, phone: this.phone, badFrames: this.badFrames }, 'bad JT/T 808 frame skipped');
    }
  }

  private async handleFrame(item: InboxItem): Promise<void> {
    const m = this.ctx.metrics;
    const res = decodeFrame(item.content);
    if (!res.ok) {
      m.inc('frames_rejected_total', { reason: res.reason });
      this.noteBadFrame(res.reason, res.detail);
      // A length mismatch still has a checksummed header: tell the terminal its message was wrong.
      if (res.header) this.reply(res.header, AckResult.MessageError);
      return;
    }
    const { header } = res.frame;
    let body = res.frame.body;
    m.inc('frames_received_total', { msg: hex4(header.msgId) });
    this.version = header.version;
    this.protocolVersion = header.protocolVersion;
    this.replyPhone = header.phone;
    if (header.encryption !== 0) {
      m.inc('messages_rejected_total', { reason: 'encrypted' });
      this.reply(header, AckResult.Unsupported);
      return;
    }
    if (this.authenticated && normalizePhone(header.phone) !== this.phone) {
      m.inc('messages_rejected_total', { reason: 'phone_mismatch' });
      this.log.warn({ phone: this.phone, framePhone: header.phone }, 'frame for another terminal on an authenticated connection');
      this.reply(header, AckResult.Failure);
      return;
    }
    if (header.split) {
      const r = this.reassembler.add(header, body, item.arrivedAt);
      if (r.status === 'rejected') {
        m.inc('split_total', { outcome: 'rejected' });
        this.log.warn({ phone: this.phone, msg: hex4(header.msgId), reason: r.reason }, 'split packet refused');
        this.reply(header, AckResult.MessageError);
        return;
      }
      if (r.status !== 'complete') {
        m.inc('split_total', { outcome: r.status === 'duplicate' ? 'duplicate' : 'packet' });
        this.reply(header, AckResult.Success);
        return;
      }
      m.inc('split_total', { outcome: 'complete' });
      body = r.body;
    }
    try {
      await this.dispatch(header, body, item.arrivedAt);
    } catch (e) {
      if (!(e instanceof BodyError)) throw e;
      m.inc('messages_rejected_total', { reason: 'bad_body' });
      this.noteBadFrame('bad_body', e.message);
      this.reply(header, AckResult.MessageError);
    }
  }

  private async dispatch(header: Jt808Header, body: Buffer, arrivedAt: number): Promise<void> {
    const m = this.ctx.metrics;
    switch (header.msgId) {
      case MsgId.Register:
        return this.onRegister(header, body);
      case MsgId.Authenticate:
        return this.onAuthenticate(header, body);
      case MsgId.TerminalGeneralAck:
        decodeGeneralAck(body, '0x0001 terminal general ack');
        return; // an answer to us; nothing to answer
    }
    if (!this.authenticated) {
      m.inc('messages_rejected_total', { reason: 'unauthenticated' });
      this.reply(header, AckResult.Failure);
      return;
    }
    switch (header.msgId) {
      case MsgId.Heartbeat:
      case MsgId.MultimediaEvent:
        this.reply(header, AckResult.Success);
        return;
      case MsgId.Deregister:
        this.reply(header, AckResult.Success);
        this.authenticated = false;
        this.ctx.released(this, null);
        return;
      case MsgId.LocationReport:
        return this.onLocations(header, [{ raw: body, location: decodeLocation(body) }], false, 'live', arrivedAt);
      case MsgId.LocationBatch: {
        const batch = decodeLocationBatch(body);
        const backfill = batch.type === 1;
        return this.onLocations(header, batch.items, backfill, backfill ? 'backfill' : 'batch', arrivedAt);
      }
      default:
        m.inc('messages_rejected_total', { reason: 'unsupported' });
        this.reply(header, AckResult.Unsupported);
    }
  }

  private onRegister(header: Jt808Header, body: Buffer): void {
    const req = decodeRegister(body, header.version);
    const phone = normalizePhone(header.phone);
    const entry = this.ctx.directory.lookup(phone);
    const m = this.ctx.metrics;
    if (!entry) {
      m.inc('auth_total', { outcome: 'register_unknown' });
      this.log.warn({ phone, plate: req.plate }, 'registration refused: terminal not mapped to any vehicle');
      this.send(header, MsgId.RegisterAck, encodeRegisterAck({ replySerial: header.serial, result: RegisterResult.NoSuchTerminal }));
      return;
    }
    if (req.plate && entry.plate && req.plate !== entry.plate) {
      this.log.info({ phone, plate: req.plate, expected: entry.plate, vehicleId: entry.vehicleId }, 'registered plate differs from reference data');
    }
    m.inc('auth_total', { outcome: 'register_ok' });
    const authCode = authCodeFor(this.ctx.options.authSecret, phone);
    this.send(header, MsgId.RegisterAck, encodeRegisterAck({ replySerial: header.serial, result: RegisterResult.Success, authCode }));
  }

  private onAuthenticate(header: Jt808Header, body: Buffer): void {
    const req = decodeAuthenticate(body, header.version);
    const phone = normalizePhone(header.phone);
    const m = this.ctx.metrics;
    const entry = this.ctx.directory.lookup(phone);
    if (!entry || !authCodeMatches(this.ctx.options.authSecret, phone, req.authCode)) {
      m.inc('auth_total', { outcome: entry ? 'auth_bad_code' : 'auth_unknown' });
      this.log.warn({ phone, known: !!entry }, entry ? 'authentication refused: wrong auth code' : 'authentication refused: terminal not mapped to any vehicle');
      this.reply(header, AckResult.Failure);
      this.close('auth_failed');
      return;
    }
    this.phone = phone;
    this.authenticated = true;
    m.inc('auth_total', { outcome: 'auth_ok' });
    this.ctx.claimed(this);
    this.log.info({ phone, vehicleId: entry.vehicleId, version: header.version }, 'terminal authenticated');
    this.reply(header, AckResult.Success);
  }

  private async onLocations(
    header: Jt808Header,
    reports: readonly ReportInput[],
    backfill: boolean,
    kind: 'live' | 'batch' | 'backfill',
    arrivedAt: number,
  ): Promise<void> {
    const m = this.ctx.metrics;
    const entry = this.ctx.directory.lookup(this.phone!);
    if (!entry) {
      m.inc('messages_rejected_total', { reason: 'unmapped' });
      this.log.warn({ phone: this.phone }, 'terminal no longer mapped to a vehicle; closing');
      this.reply(header, AckResult.Failure);
      this.close('unmapped');
      return;
    }
    const mapped: MapResult = this.ctx.mapper.map({ phone: this.phone!, vehicleId: entry.vehicleId, receivedAtMs: arrivedAt, backfill }, reports);
    if (mapped.positions) m.inc('positions_total', { kind }, mapped.positions);
    if (mapped.skipped) m.inc('reports_skipped_total', undefined, mapped.skipped);
    for (const e of mapped.events) if (e.type === 'vehicle.incident') m.inc('incidents_total', { kind: e.kind });
    if (mapped.invalid.length) {
      m.inc('messages_rejected_total', { reason: 'invalid_report' }, mapped.invalid.length);
      this.log.warn({ phone: this.phone, problems: mapped.invalid.slice(0, 5) }, 'location reports refused');
    }
    if (mapped.notes.length) this.log.info({ phone: this.phone, notes: mapped.notes.slice(0, 5) }, 'location report notes');
    const base: AckResultCode = mapped.invalid.length ? AckResult.MessageError : AckResult.Success;
    if (mapped.events.length === 0) {
      this.reply(header, base);
      return;
    }
    await this.submit(header, mapped.events, base, arrivedAt);
  }

  /** Hands events to the sink; the terminal's ack goes out only once the hub has stored them. */
  private async submit(header: Jt808Header, events: IngestEvent[], base: AckResultCode, arrivedAt: number): Promise<void> {
    const sink = this.ctx.sink;
    const n = events.length;
    if (sink.waiting > 0 || sink.depth + n > sink.capacity) this.pause('sink');
    this.pendingEvents += n;
    let settled: Promise<SinkOutcome[]>;
    try {
      ({ settled } = await sink.enqueue(events));
    } catch (e) {
      this.pendingEvents -= n;
      // At shutdown the connection is already closed: expected, and one line per terminal would flood the log.
      if (!this.closed) this.log.warn({ err: (e as Error).message, phone: this.phone }, 'events not taken; the terminal was not acknowledged and will resend');
      return;
    }
    void settled.then((outcomes) => {
      this.pendingEvents -= n;
      const rejected = outcomes.filter((o) => o.status === 'rejected');
      this.ctx.metrics.storeLatency.observe(Date.now() - arrivedAt);
      if (rejected.length) {
        this.log.warn({ phone: this.phone, rejected: rejected.slice(0, 3) }, 'hub refused events of this report');
      }
      this.reply(header, rejected.length ? AckResult.MessageError : base);
      if (this.waitingForPending && this.pendingEvents < this.ctx.options.maxPendingEvents) {
        this.waitingForPending = false;
        void this.pump();
        this.maybeResume();
      }
    });
  }

  /** Answers a stalled split message: ask for the missing packets once, then give up and say so. */
  onStalled(s: StalledMessage): void {
    if (s.action === 'dropped') {
      this.ctx.metrics.inc('split_total', { outcome: 'dropped' });
      this.log.warn({ phone: this.phone, msg: hex4(s.msgId), firstSerial: s.firstSerial, missing: s.missing }, 'split message dropped: packets still missing after a resend request');
      return;
    }
    this.ctx.metrics.inc('split_total', { outcome: 'resend_requested' });
    if (!this.replyPhone) return;
    this.write(MsgId.ResendRequest, encodeResendRequest({ originalSerial: s.firstSerial, packetIds: s.missing }, this.version));
  }

  private reply(header: Jt808Header, result: AckResultCode): void {
    this.send(header, MsgId.PlatformGeneralAck, encodePlatformAck({ replySerial: header.serial, replyId: header.msgId, result }));
    this.ctx.metrics.inc('acks_sent_total', { msg: hex4(header.msgId), result: String(result) });
  }

  private send(header: Jt808Header, msgId: number, body: Buffer): void {
    this.replyPhone = header.phone;
    this.write(msgId, body);
  }

  private write(msgId: number, body: Buffer): void {
    if (this.socket.destroyed || !this.socket.writable) return;
    const frame = encodeFrame({ msgId, version: this.version, protocolVersion: this.protocolVersion || 1, phone: this.replyPhone!, serial: this.outSerial }, body);
    this.outSerial = (this.outSerial + 1) & 0xffff;
    this.socket.write(frame);
    // A terminal that does not read its answers would make us buffer without bound.
    if (this.socket.writableLength > this.ctx.options.maxWriteBuffer) this.close('write_overflow');
  }
}
