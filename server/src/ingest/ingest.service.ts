import { Injectable } from '@nestjs/common';
import {
  INGEST_LIMITS,
  type IngestEvent,
  type IngestResponse,
  type ItemIssue,
  parseIngestEvent,
  subjectOf,
  waybillOf,
} from '@kanjian/shared';
import { AppError } from '../common/errors';
import { MetricsService } from '../common/metrics.service';
import type { FeedPrincipal } from '../auth/principal';
import { ReferenceCache } from '../network/reference-cache.service';
import { EventWriter, type StoredEvent } from './event-writer';

const SUBJECT_FIELD = { vehicle: 'vehicleId', camera: 'cameraId', floor: 'floorId', site: 'siteId' } as const;

/** Splits a body into raw items: a JSON array, or NDJSON (one event per line) for high-rate feeds. */
export function splitBody(body: Buffer, ndjson: boolean): { items: unknown[]; issues: ItemIssue[] } {
  const text = body.toString('utf8');
  if (!ndjson) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new AppError('request/unparseable', `body is not valid JSON: ${(e as Error).message}`);
    }
    if (!Array.isArray(parsed)) throw new AppError('request/unparseable', 'body must be a JSON array of events');
    return { items: parsed, issues: [] };
  }
  const items: unknown[] = [];
  const issues: ItemIssue[] = [];
  let index = 0;
  for (const line of text.split('\n')) {
    const l = line.trim();
    if (!l) continue;
    try {
      items.push(JSON.parse(l));
    } catch (e) {
      items.push(undefined);
      issues.push({ index, path: '(line)', message: `not valid JSON: ${(e as Error).message}` });
    }
    index++;
  }
  if (index === 0 && text.trim() !== '') throw new AppError('request/unparseable', 'body has no NDJSON lines');
  return { items, issues };
}

@Injectable()
export class IngestService {
  constructor(
    private readonly ref: ReferenceCache,
    private readonly writer: EventWriter,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * Validates each item on its own: the good ones of a mixed batch are stored, the bad ones are named by index,
   * path and message. Any item outside the token's scope refuses the whole batch (403): that is a misconfigured
   * or hostile sender, not a bad reading.
   */
  async ingest(items: unknown[], preIssues: ItemIssue[], principal: FeedPrincipal): Promise<IngestResponse> {
    if (items.length > INGEST_LIMITS.maxItems) {
      throw new AppError('request/too_large', `batch of ${items.length} items is over the limit of ${INGEST_LIMITS.maxItems}`);
    }
    const rejected: ItemIssue[] = [...preIssues];
    const badIndex = new Set(preIssues.map((i) => i.index));
    const valid: { index: number; event: IngestEvent }[] = [];
    for (let index = 0; index < items.length; index++) {
      if (badIndex.has(index)) continue;
      const r = parseIngestEvent(items[index]);
      if (r.ok) valid.push({ index, event: r.event });
      else for (const i of r.issues) rejected.push({ index, ...i });
    }

    const subjects = valid.map((v) => subjectOf(v.event));
    await this.ref.ensureKnown(subjects);
    const outOfScope: { index: number; subject: string }[] = [];
    const rows: StoredEvent[] = [];
    const seen = new Set<string>();
    let inBatchDuplicates = 0;
    for (let k = 0; k < valid.length; k++) {
      const { index, event } = valid[k]!;
      const s = subjects[k]!;
      if (!this.ref.knows(s)) {
        rejected.push({ index, path: SUBJECT_FIELD[s.kind], message: `unknown ${s.kind} ${s.id}` });
        continue;
      }
      const scopes = this.ref.scopesOf(s);
      if (principal.scope !== 'all' && !scopes.includes(principal.scope)) {
        outOfScope.push({ index, subject: `${s.kind}:${s.id}` });
        continue;
      }
      if (seen.has(event.id)) {
        inBatchDuplicates++;
        continue;
      }
      seen.add(event.id);
      const site = scopes.find((x) => x.startsWith('site:'));
      rows.push({ event, subjectKind: s.kind, subjectId: s.id, siteId: site ? site.slice(5) : null, waybillNo: waybillOf(event) ?? null });
    }
    if (outOfScope.length > 0) {
      throw new AppError('auth/out_of_scope', `token scope ${principal.scope} does not cover ${outOfScope.length} item(s); nothing was stored`, outOfScope);
    }
    const inserted = await this.writer.write(rows);
    rejected.sort((a, b) => a.index - b.index);
    const accepted = rows.length + inBatchDuplicates;
    const duplicates = accepted - inserted.length;
    this.metrics.ingestEvents.inc({ outcome: 'stored' }, inserted.length);
    if (duplicates) this.metrics.ingestEvents.inc({ outcome: 'duplicate' }, duplicates);
    if (rejected.length) this.metrics.ingestEvents.inc({ outcome: 'rejected' }, rejected.length);
    return { accepted, duplicates, rejected };
  }
}
