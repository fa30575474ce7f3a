import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync } from 'node:fs';
import { open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { INGEST_LIMITS, type IngestEvent } from '@kanjian/shared';
import { HubError, type HubClient } from './hub-client';

export type EvidenceType = 'image/jpeg' | 'video/mp4';
const EXT: Record<EvidenceType, string> = { 'image/jpeg': 'jpg', 'video/mp4': 'mp4' };
const TYPE_OF: Record<string, EvidenceType> = { jpg: 'image/jpeg', mp4: 'video/mp4' };

export interface OutboxLogger {
  info(msg: string, extra?: Record<string, unknown>): void;
  warn(msg: string, extra?: Record<string, unknown>): void;
  error(msg: string, extra?: Record<string, unknown>): void;
}

/**
 * Everything the worker reports goes through a directory on disk first: evidence bytes and event batches,
 * one file per entry, named by a sequence number. Entries are sent strictly in order (evidence before the
 * event that points at it) and deleted only after the hub has accepted them, so a hub that is down, a
 * network cut or a worker restart loses nothing; resending is safe because the hub is idempotent by event
 * id and by evidence hash. Entries the hub rejects as malformed are moved to `dead/` with the reason,
 * never dropped silently.
 */
export class Outbox {
  private seq = 0;
  private draining?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private backoffMs = 0;
  /** Background draining is off until start(): drain() can still be called directly. */
  private stopped = true;
  private readonly deadDir: string;
  /** Called after each successful send (tests, metrics). */
  onSent?: (what: { kind: 'events' | 'evidence'; count: number }) => void;

  constructor(
    private readonly dir: string,
    private readonly hub: HubClient,
    private readonly log: OutboxLogger,
    private readonly maxBatch = 500,
  ) {
    mkdirSync(dir, { recursive: true });
    this.deadDir = join(dir, 'dead');
    mkdirSync(this.deadDir, { recursive: true });
    for (const f of this.entries()) this.seq = Math.max(this.seq, Number(f.slice(0, 16)));
  }

  /** Pending entry file names, oldest first. */
  entries(): string[] {
    return readdirSync(this.dir)
      .filter((f) => /^\d{16}-(events\.json|evidence\.(jpg|mp4))$/.test(f))
      .sort();
  }

  get pending(): number {
    return this.entries().length;
  }

  /** Stores evidence and returns the reference the hub will serve it under (content-addressed). */
  async addEvidence(bytes: Uint8Array, type: EvidenceType): Promise<{ uri: string; sha256: string }> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await this.write(`evidence.${EXT[type]}`, bytes);
    return { uri: `/api/v1/evidence/${sha256}.${EXT[type]}`, sha256 };
  }

  async addEvents(events: readonly IngestEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.write('events.json', Buffer.from(JSON.stringify(events)));
    this.kick();
  }

  private async write(suffix: string, bytes: Uint8Array) {
    const name = `${String(++this.seq).padStart(16, '0')}-${suffix}`;
    const tmp = join(this.dir, `.tmp-${name}`);
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, join(this.dir, name));
  }

  /** Starts background draining (retries with backoff while the hub is unreachable). */
  start(): void {
    this.stopped = false;
    this.kick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  kick(): void {
    if (this.stopped || this.draining || this.timer) return;
    void this.drain().finally(() => {
      if (!this.stopped && this.entries().length > 0 && !this.timer) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.kick();
        }, this.backoffMs);
      }
    });
  }

  /** Waits until the outbox is empty (or the timeout passes); true when empty. */
  async flush(timeoutMs: number): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (this.entries().length === 0 && !this.draining) return true;
      if (this.stopped) await this.drain();
      else this.kick();
      await new Promise((r) => setTimeout(r, 100));
    }
    return this.entries().length === 0;
  }

  /** Sends entries in order until the outbox is empty or the hub fails (one drain at a time). */
  drain(): Promise<void> {
    if (!this.draining) this.draining = this.drainLoop().finally(() => (this.draining = undefined));
    return this.draining;
  }

  private async drainLoop(): Promise<void> {
    for (;;) {
      const files = this.entries();
      if (files.length === 0) {
        this.backoffMs = 0;
        return;
      }
      try {
        await this.sendHead(files);
        this.backoffMs = 0;
      } catch (e) {
        if (e instanceof HubError && !e.retryable) {
          await this.bury(files[0], e.message);
          continue;
        }
        this.backoffMs = Math.min(30_000, Math.max(500, this.backoffMs * 2));
        this.log.warn('hub not reachable; keeping the outbox', { pending: files.length, retryInMs: this.backoffMs, error: (e as Error).message });
        return;
      }
    }
  }

  private async sendHead(files: string[]) {
    const head = files[0];
    if (head.endsWith('.json')) {
      // consecutive event entries go out as one batch, within the hub's limits
      const batch: string[] = [];
      const events: IngestEvent[] = [];
      for (const f of files) {
        if (!f.endsWith('.json')) break;
        const items = JSON.parse(await readFile(join(this.dir, f), 'utf8')) as IngestEvent[];
        if (batch.length > 0 && events.length + items.length > Math.min(this.maxBatch, INGEST_LIMITS.maxItems)) break;
        batch.push(f);
        events.push(...items);
      }
      const res = await this.hub.postEvents(events);
      if (res.rejected.length > 0) {
        const rejected = res.rejected.map((r) => ({ ...r, event: events[r.index] }));
        this.log.error('hub rejected events', { rejected });
        await writeFile(join(this.deadDir, `${head.slice(0, 16)}-rejected.json`), JSON.stringify(rejected, null, 1));
      }
      for (const f of batch) await unlink(join(this.dir, f));
      this.onSent?.({ kind: 'events', count: events.length });
      return;
    }
    const type = TYPE_OF[head.split('.').pop() ?? ''];
    const bytes = await readFile(join(this.dir, head));
    await this.hub.postEvidence(bytes, type);
    await unlink(join(this.dir, head));
    this.onSent?.({ kind: 'evidence', count: 1 });
  }

  private async bury(file: string, reason: string) {
    this.log.error('hub refused an outbox entry; moved to dead/', { file, reason });
    await rename(join(this.dir, file), join(this.deadDir, file));
    await writeFile(join(this.deadDir, `${file}.reason.txt`), reason + '\n');
  }
}
