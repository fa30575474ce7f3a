import { STAGE_OF, type EventType, type StageName } from '@kanjian/shared';

export interface TraceFact {
  id: string;
  at: Date;
  type: string;
  siteId: string | null;
  siteKind: string | null;
  payload: Record<string, unknown>;
}

const DELIVERY_STATES = new Set([5, 501, 3, 301, 302, 303, 304, 14, 201, 203, 204, 205, 206]);

/** The stage a record belongs to. Tracking states are read with the site that reported them (a hub sorts). */
export function stageOf(f: TraceFact): StageName {
  if (f.type === 'waybill.tracking') {
    const status = Number(f.payload.status);
    if (status === 1) return 'pickup';
    if (DELIVERY_STATES.has(status)) return 'delivery';
    // 1002 is the trunk leg itself; other in-transit states reported by a hub mean the parcel is in its sorting.
    if (status !== 1002 && f.siteKind === 'hub') return 'sorting';
    return 'transport';
  }
  return STAGE_OF[f.type as EventType] ?? 'aftersales';
}

const EVIDENCE_FIELDS = ['inspectionPhoto', 'photo', 'recording', 'snapshot', 'clip'] as const;

export function evidenceOf(p: Record<string, unknown>): { kind: string; uri: string }[] {
  const out: { kind: string; uri: string }[] = [];
  for (const k of EVIDENCE_FIELDS) {
    const e = p[k] as { kind?: string; uri?: string } | undefined;
    if (e?.uri) out.push({ kind: e.kind ?? k, uri: e.uri });
  }
  return out;
}

export function actorOf(p: Record<string, unknown>): string | null {
  for (const k of ['courierId', 'sorterId', 'staffId', 'by', 'vehicleId']) if (typeof p[k] === 'string') return p[k] as string;
  return null;
}

export function summaryOf(f: TraceFact): string {
  const p = f.payload;
  switch (f.type) {
    case 'pickup.completed':
      return `揽收 ${String(p.declaredContents ?? '')}${p.inspectionPhoto ? '' : ' · 无验视照片'}`;
    case 'waybill.tracking':
      return `状态 ${String(p.status)}${p.note ? ` ${String(p.note)}` : ''} @ ${f.siteId ?? ''}`;
    case 'sorting.exception':
      return `分拣异常 ${String(p.kind)} ${String(p.status)}`;
    case 'delivery.out':
      return '派件出发';
    case 'delivery.call':
      return `电联 ${p.answered ? '已接通' : '未接通'} ${String(p.durationS)}s`;
    case 'delivery.consent':
      return `${p.granted ? '同意' : '拒绝'}放${String(p.dropPoint)} (${String(p.channel)})`;
    case 'delivery.signed':
      return `签收 ${String(p.method)} · ${String(p.signer)}${p.photo ? '' : ' · 无签收照片'}`;
    case 'complaint.opened':
      return `投诉 ${String(p.complaintId)} ${String(p.category)}`;
    case 'complaint.responded':
      return `投诉首响 ${String(p.complaintId)}`;
    case 'complaint.resolved':
      return `投诉办结 ${String(p.complaintId)} ${String(p.outcome)}`;
    case 'rating.submitted':
      return `评价 ${String(p.score)}★ ${String(p.touchpoint)}`;
    default:
      return f.type;
  }
}

const SEVERITY_RANK: Record<string, number> = { info: 0, warning: 1, violation: 2, critical: 3 };

/**
 * Rule A3: the stage most likely at fault for a complaint, with the reason. A recorded violation on the parcel
 * speaks first; otherwise the complaint's category and the trace's shape decide (lost: where it was last seen;
 * delay: where it waited longest; damaged: sorting unless an exception was registered elsewhere; attitude: the
 * last person-facing stage).
 */
export function attributeStage(
  category: string,
  facts: TraceFact[],
  violations: { ruleId: string; stage: string; severity: string; at: Date; detail: string }[],
  before: Date,
): { stage: StageName; reason: string } {
  const stageViolations = violations.filter((v) => v.stage !== 'pattern' && v.stage !== 'aftersales');
  if (stageViolations.length) {
    const v = [...stageViolations].sort((a, b) => SEVERITY_RANK[b.severity]! - SEVERITY_RANK[a.severity]! || b.at.getTime() - a.at.getTime())[0]!;
    return { stage: v.stage as StageName, reason: `violation ${v.ruleId} recorded on this parcel at ${v.at.toISOString()}: ${v.detail}` };
  }
  const trail = facts.filter((f) => f.at <= before && !f.type.startsWith('complaint.') && f.type !== 'rating.submitted').sort((a, b) => a.at.getTime() - b.at.getTime());
  if (trail.length === 0) return { stage: 'pickup', reason: 'no record of the parcel at any stage: the pickup was never recorded' };
  const last = trail[trail.length - 1]!;
  switch (category) {
    case 'damaged': {
      const exc = trail.find((f) => f.type === 'sorting.exception' || (f.type === 'waybill.tracking' && Number(f.payload.status) === 209));
      if (exc) return { stage: stageOf(exc), reason: `damage registered at ${exc.at.toISOString()} (${exc.type})` };
      return { stage: 'sorting', reason: 'damage with no exception record: sorting is where parcels are handled hardest' };
    }
    case 'lost':
      return { stage: stageOf(last), reason: `last seen at the ${stageOf(last)} stage (${last.type} at ${last.at.toISOString()})` };
    case 'delay': {
      let worst = { gap: -1, from: trail[0]! };
      for (let i = 1; i < trail.length; i++) {
        const gap = trail[i]!.at.getTime() - trail[i - 1]!.at.getTime();
        if (gap > worst.gap) worst = { gap, from: trail[i - 1]! };
      }
      const tail = before.getTime() - last.at.getTime();
      if (tail > worst.gap) worst = { gap: tail, from: last };
      return { stage: stageOf(worst.from), reason: `longest wait ${(worst.gap / 3600_000).toFixed(1)} h after ${worst.from.type} at ${worst.from.at.toISOString()}` };
    }
    case 'attitude': {
      const touch = [...trail].reverse().find((f) => f.type.startsWith('delivery.') || f.type === 'pickup.completed');
      const stage = touch ? stageOf(touch) : stageOf(last);
      return { stage, reason: `service attitude: the last person-facing contact was at the ${stage} stage` };
    }
    default:
      return { stage: stageOf(last), reason: `no specific signal: attributed to the last stage with a record (${last.type})` };
  }
}
