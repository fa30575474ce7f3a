import { randomUUID } from 'node:crypto';
import { CameraHeartbeatSchema, SortingScanSchema, SortingViolationSchema, type EventOf, type EvidenceRef } from '@kanjian/shared';
import type { Judgement } from '../judge/judgement';
import type { Outbox } from './outbox';

/** Turns what the cameras saw into ingest events (validated against the shared contracts) in the outbox. */
export class Reporter {
  constructor(
    private readonly outbox: Outbox,
    private readonly source: string,
  ) {}

  async violation(p: { cameraId: string; floorId: string; at: Date; judgement: Judgement; snapshot: Buffer; clip?: Buffer }): Promise<EventOf<'sorting.violation'>> {
    // evidence first: the outbox sends in order, so the hub has the bytes before the event that cites them
    const snap = await this.outbox.addEvidence(p.snapshot, 'image/jpeg');
    const snapshot: EvidenceRef = { kind: 'snapshot', ...snap };
    let clip: EvidenceRef | undefined;
    if (p.clip) clip = { kind: 'clip', ...(await this.outbox.addEvidence(p.clip, 'video/mp4')) };
    const j = p.judgement;
    const event = SortingViolationSchema.parse({
      id: randomUUID(),
      type: 'sorting.violation',
      at: p.at.toISOString(),
      source: this.source,
      v: 1,
      floorId: p.floorId,
      cameraId: p.cameraId,
      kind: j.kind,
      dropHeightCm: j.dropHeightCm !== undefined ? Math.min(1000, Math.max(0, j.dropHeightCm)) : undefined,
      confidence: j.confidence,
      snapshot,
      clip,
      personTrackId: j.personTrackId,
    });
    await this.outbox.addEvents([event]);
    return event;
  }

  async heartbeat(p: { cameraId: string; floorId: string; at: Date; fps: number; status: 'ok' | 'degraded' }): Promise<void> {
    const event = CameraHeartbeatSchema.parse({
      id: randomUUID(),
      type: 'camera.heartbeat',
      at: p.at.toISOString(),
      source: this.source,
      v: 1,
      cameraId: p.cameraId,
      floorId: p.floorId,
      fps: Math.min(240, Math.round(p.fps * 10) / 10),
      status: p.status,
    });
    await this.outbox.addEvents([event]);
  }

  async scan(p: { floorId: string; at: Date; parcels: number }): Promise<void> {
    const event = SortingScanSchema.parse({ id: randomUUID(), type: 'sorting.scan', at: p.at.toISOString(), source: this.source, v: 1, floorId: p.floorId, parcels: p.parcels });
    await this.outbox.addEvents([event]);
  }
}
