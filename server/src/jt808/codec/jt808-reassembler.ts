import type { Jt808Header } from './jt808-frame.codec';

/**
 * Puts split packets back together. The packets of one message have consecutive serials, so the message
 * is keyed by its id and the serial of its first packet (serial − index + 1), which is also what a 0x8003
 * resend request names. Bounded: a few messages per connection, a capped packet count, and a timeout.
 */

export interface ReassemblerOptions {
  maxMessages: number;
  maxPackets: number;
  /** Without progress for this long, missing packets are requested once (0x8003), then the message is dropped. */
  timeoutMs: number;
}

export const DEFAULT_REASSEMBLER_OPTIONS: ReassemblerOptions = { maxMessages: 4, maxPackets: 128, timeoutMs: 15_000 };

export type ReassemblyResult =
  | { status: 'partial' }
  | { status: 'duplicate' }
  | { status: 'complete'; body: Buffer; firstSerial: number }
  | { status: 'rejected'; reason: string };

export interface StalledMessage {
  msgId: number;
  firstSerial: number;
  missing: number[];
  /** 'resend' the first time it stalls (ask the terminal), 'dropped' the second. */
  action: 'resend' | 'dropped';
}

interface Pending {
  msgId: number;
  firstSerial: number;
  total: number;
  packets: (Buffer | undefined)[];
  received: number;
  lastProgressMs: number;
  resendRequested: boolean;
}

export class Jt808Reassembler {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly opts: ReassemblerOptions = DEFAULT_REASSEMBLER_OPTIONS) {}

  get size(): number {
    return this.pending.size;
  }

  add(header: Jt808Header, body: Buffer, nowMs: number): ReassemblyResult {
    const split = header.split;
    if (!split) return { status: 'complete', body, firstSerial: header.serial };
    if (split.total > this.opts.maxPackets) {
      return { status: 'rejected', reason: `message 0x${hex(header.msgId)} split into ${split.total} packets, more than the ${this.opts.maxPackets} allowed` };
    }
    const firstSerial = (header.serial - split.index + 1) & 0xffff;
    const key = `${header.msgId}:${firstSerial}`;
    let p = this.pending.get(key);
    if (p && p.total !== split.total) {
      return { status: 'rejected', reason: `packet ${split.index} of message 0x${hex(header.msgId)} says ${split.total} packets, earlier ones said ${p.total}` };
    }
    if (!p) {
      if (this.pending.size >= this.opts.maxMessages) {
        return { status: 'rejected', reason: `already reassembling ${this.pending.size} messages on this connection` };
      }
      p = { msgId: header.msgId, firstSerial, total: split.total, packets: new Array(split.total), received: 0, lastProgressMs: nowMs, resendRequested: false };
      this.pending.set(key, p);
    }
    if (p.packets[split.index - 1]) return { status: 'duplicate' };
    p.packets[split.index - 1] = Buffer.from(body);
    p.received++;
    p.lastProgressMs = nowMs;
    if (p.received < p.total) return { status: 'partial' };
    this.pending.delete(key);
    return { status: 'complete', body: Buffer.concat(p.packets as Buffer[]), firstSerial };
  }

  /** Messages without progress for the timeout: the caller asks for a resend, or logs the drop. */
  sweep(nowMs: number): StalledMessage[] {
    const out: StalledMessage[] = [];
    for (const [key, p] of this.pending) {
      if (nowMs - p.lastProgressMs < this.opts.timeoutMs) continue;
      const missing: number[] = [];
      for (let i = 0; i < p.total; i++) if (!p.packets[i]) missing.push(i + 1);
      if (p.resendRequested) {
        this.pending.delete(key);
        out.push({ msgId: p.msgId, firstSerial: p.firstSerial, missing, action: 'dropped' });
      } else {
        p.resendRequested = true;
        p.lastProgressMs = nowMs;
        out.push({ msgId: p.msgId, firstSerial: p.firstSerial, missing, action: 'resend' });
      }
    }
    return out;
  }
}

function hex(n: number): string {
  return n.toString(16).padStart(4, '0');
}
