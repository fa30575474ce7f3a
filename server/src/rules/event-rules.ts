import { type EventOf, REQUIRED_WAYBILL_FIELDS, type RuleId } from '@kanjian/shared';
import type { Finding, Severity } from './finding';
import { haversineM } from './geo';
import { prohibitedCategory } from './prohibited-items';
import type { Where } from './thresholds.service';

/** What a pure rule reads: thresholds where the fact happened. */
export type Th = (ruleId: RuleId, key: string, where?: Where) => number;



function ruleBase(
  e: EventOf<'pickup.completed' | 'delivery.signed' | 'sorting.violation'>,
  ruleId: RuleId,
  severity: Severity,
  detail: string,
  key = '',
): Finding {
  const person = 'courierId' in e ? e.courierId : (e.sorterId ?? null);
  const floorId = 'floorId' in e ? e.floorId : null;
  return {
    ruleId,
    severity,
    dedupeKey: `${ruleId}:${e.id}${key}`,
    at: e.at,
    subjectKind: e.type === 'sorting.violation' ? 'camera' : 'courier',
    subjectId: e.type === 'sorting.violation' ? e.cameraId : e.courierId,
    floorId,
    siteId: 'siteId' in e ? e.siteId : null,
    waybillNo: 'waybillNo' in e ? e.waybillNo : null,
    personId: person,
    evidence: [],
    detail,
    sourceEventId: e.id,
    violation: true,
  };
}

function missingFields(w: EventOf<'pickup.completed'>['waybill']): string[] {
  return REQUIRED_WAYBILL_FIELDS.filter((k) => {
    const v = w[k];
    return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
  });
}

/** P1–P5 on one pickup record. */
export function pickupRules(e: EventOf<'pickup.completed'>, th: Th): Finding[] {
  const out: Finding[] = [];
  const photo = e.inspectionPhoto ? [{ kind: e.inspectionPhoto.kind, uri: e.inspectionPhoto.uri }] : [];
  if (!e.inspectionPhoto) out.push(ruleBase(e, 'P1', 'violation', '揽收无验视照片 no inspection photo'));
  const banned = prohibitedCategory(e.declaredContents);
  if (banned) {
    out.push({
      ...ruleBase(e, 'P2', 'critical', `禁寄物品 ${banned.category}: “${banned.word}” in “${e.declaredContents.slice(0, 80)}”`),
      evidence: photo,
      alert: { subjectKind: 'waybill', subjectId: e.waybillNo, level: 'site' },
    });
  }
  const missing = missingFields(e.waybill);
  const limit = th('P3', 'missingForViolation', { siteId: e.siteId });
  if (missing.length > 0) {
    out.push({
      ...ruleBase(e, 'P3', missing.length >= limit ? 'violation' : 'warning', `面单缺 ${missing.length} 项: ${missing.join(', ')}`),
      measure: missing.length,
      evidence: photo,
    });
  }
  if (!e.insuranceOffered) out.push({ ...ruleBase(e, 'P4', 'warning', '未提示保价 insured value not offered'), evidence: photo });
  if (!e.realNameVerified) out.push({ ...ruleBase(e, 'P5', 'violation', '未实名核验 sender not verified'), evidence: photo });
  return out;
}

/** S1 (thrown or dropped from above the floor's height) and S2 (kicked), when the detector is confident enough. */
export function sortingViolationRules(e: EventOf<'sorting.violation'>, th: Th): Finding[] {
  const where = { floorId: e.floorId };
  const evidence = [e.snapshot, e.clip].filter((x) => x !== undefined).map((x) => ({ kind: x!.kind, uri: x!.uri }));
  if (e.kind === 'kick') {
    if (e.confidence < th('S2', 'minConfidence', where)) return [];
    return [{ ...ruleBase(e, 'S2', 'violation', `踢踩快件 kick on ${e.cameraId} (${Math.round(e.confidence * 100)} %)`), evidence }];
  }
  if (e.confidence < th('S1', 'minConfidence', where)) return [];
  const limit = th('S1', 'dropHeightCm', where);
  if (e.dropHeightCm === undefined) {
    // A throw is a violation by itself; a drop can only be judged by its height.
    if (e.kind !== 'throw') return [];
    return [{ ...ruleBase(e, 'S1', 'violation', `抛扔快件 throw on ${e.cameraId}`), evidence }];
  }
  if (e.dropHeightCm <= limit) return [];
  return [
    {
      ...ruleBase(e, 'S1', 'violation', `${e.kind === 'throw' ? '抛扔' : '高处跌落'} ${Math.round(e.dropHeightCm)} cm > ${limit} cm on ${e.cameraId}`),
      measure: e.dropHeightCm,
      evidence,
    },
  ];
}

/** D3 (no sign-off photo) and D4 (unauthorised proxy, or signed far from the address) on one sign-off. */
export function signedRules(e: EventOf<'delivery.signed'>, th: Th): Finding[] {
  const out: Finding[] = [];
  const evidence = e.photo ? [{ kind: e.photo.kind, uri: e.photo.uri }] : [];
  if (!e.photo) out.push(ruleBase(e, 'D3', 'violation', '签收无照片 signed without a sign-off photo'));
  if (e.signer === 'unauthorised_proxy') {
    out.push({ ...ruleBase(e, 'D4', 'violation', `违规代签 signed by ${e.signerName ?? 'someone else'} without authorisation`, ':proxy'), evidence });
  }
  if (e.lat !== undefined && e.lon !== undefined && e.addressLat !== undefined && e.addressLon !== undefined) {
    const d = haversineM(e.lat, e.lon, e.addressLat, e.addressLon);
    const far = th('D4', 'farMeters', { siteId: e.siteId });
    if (d > far) {
      out.push({ ...ruleBase(e, 'D4', 'violation', `签收位置距地址 ${Math.round(d)} m > ${far} m`, ':far'), measure: Math.round(d), evidence });
    }
  }
  return out;
}

export type ColdProfile = 'none' | 'chilled' | 'frozen' | 'pharma';

/** Whether a cargo temperature is outside its profile's range (T5). */
export function outOfRange(tempC: number, profile: ColdProfile, th: (key: string) => number): boolean {
  switch (profile) {
    case 'chilled':
      return tempC < th('chilledMinC') || tempC > th('chilledMaxC');
    case 'frozen':
      return tempC > th('frozenMaxC');
    case 'pharma':
      return tempC < th('pharmaMinC') || tempC > th('pharmaMaxC');
    default:
      return false;
  }
}

export { missingFields };
