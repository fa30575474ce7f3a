import { appendFileSync, writeFileSync } from 'node:fs';
import type { EvidenceBlob, OutEvent } from '../engine/types';
import type { IngestTransport, PostOutcome, UploadOutcome } from './hub-client';

/** Offline: the events a hub would receive, as NDJSON in upload order (a late burst follows later facts). */
export class FileTransport implements IngestTransport {
  constructor(private readonly path: string) {
    writeFileSync(path, '');
  }
  async postEvents(events: OutEvent[]): Promise<PostOutcome> {
    appendFileSync(this.path, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    return { kind: 'ok', response: { accepted: events.length, duplicates: 0, rejected: [] } };
  }
  async uploadEvidence(blob: EvidenceBlob): Promise<UploadOutcome> {
    return { kind: 'ok', uri: `/api/v1/evidence/${blob.sha256}.png` };
  }
}
