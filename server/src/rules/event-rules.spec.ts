import { REQUIRED_WAYBILL_FIELDS } from '@kanjian/shared';
import { missingFields, outOfRange, pickupRules, signedRules, sortingViolationRules, type Th } from './event-rules';
import { prohibitedCategory } from './prohibited-items';
import { THRESHOLD_DEFAULTS } from './rule-catalogue';

const th: Th = (rule, key) => THRESHOLD_DEFAULTS[rule][key]!;
const full = { senderName: 'a', senderAddress: 'b', senderPhone: '1', recipientName: 'c', recipientAddress: 'd', recipientPhone: '2', itemName: 'e', itemNature: 'f', quantity: 1, weightKg: 1, feeYuan: 1 };
const pickup = (over: Record<string, unknown> = {}) =>
  ({
    id: '00000000-0000-4000-8000-000000000001', type: 'pickup.completed', at: '2025-01-01T00:00:00Z', v: 1, waybillNo: 'KJ00000001', courierId: 'P1', siteId: 'S1',
    inspectionPhoto: { kind: 'photo', uri: 'x' }, declaredContents: 'books', waybill: full, insuranceOffered: true, realNameVerified: true, ...over,
  }) as Parameters<typeof pickupRules>[0];

describe('pickup rules', () => {
  it('a clean pickup finds nothing', () => expect(pickupRules(pickup(), th)).toEqual([]));
  it('P3 counts empty strings as missing and grades 2 vs 3', () => {
    expect(missingFields({ ...full, senderName: ' ', itemName: '' })).toEqual(['senderName', 'itemName']);
    const two = pickupRules(pickup({ waybill: { ...full, senderName: '', senderPhone: undefined } }), th);
    expect(two.map((f) => `${f.ruleId}:${f.severity}`)).toEqual(['P3:warning']);
    const three = pickupRules(pickup({ waybill: { ...full, senderName: '', senderPhone: undefined, quantity: undefined } }), th);
    expect(three.map((f) => `${f.ruleId}:${f.severity}:${f.measure}`)).toEqual(['P3:violation:3']);
    expect(REQUIRED_WAYBILL_FIELDS).toHaveLength(11);
  });
  it('P1, P4, P5 each name their lapse; dedupe keys are per event and rule', () => {
    const f = pickupRules(pickup({ inspectionPhoto: undefined, insuranceOffered: false, realNameVerified: false }), th);
    expect(f.map((x) => x.dedupeKey)).toEqual([
      'P1:00000000-0000-4000-8000-000000000001', 'P4:00000000-0000-4000-8000-000000000001', 'P5:00000000-0000-4000-8000-000000000001',
    ]);
  });
});

describe('prohibited items (P2)', () => {
  it('matches Chinese words inside text and Latin words as whole words', () => {
    expect(prohibitedCategory('春节烟花一箱')?.word).toBe('烟花');
    expect(prohibitedCategory('Toy GUN replica')?.word).toBe('gun');
    expect(prohibitedCategory('guns')?.word).toBe('gun');
    expect(prohibitedCategory('the war had begun')).toBeNull();
    expect(prohibitedCategory('图书 books')).toBeNull();
  });
});

describe('sorting rules', () => {
  const sv = (over: Record<string, unknown>) =>
    ({ id: '00000000-0000-4000-8000-000000000002', type: 'sorting.violation', at: '2025-01-01T00:00:00Z', v: 1, floorId: 'F', cameraId: 'C', kind: 'drop', confidence: 0.9, ...over }) as Parameters<typeof sortingViolationRules>[0];
  it('S1 fires strictly above the height; a throw without height fires, a drop without height does not', () => {
    expect(sortingViolationRules(sv({ dropHeightCm: 50 }), th)).toEqual([]);
    expect(sortingViolationRules(sv({ dropHeightCm: 50.5 }), th).map((f) => f.ruleId)).toEqual(['S1']);
    expect(sortingViolationRules(sv({ kind: 'throw' }), th).map((f) => f.ruleId)).toEqual(['S1']);
    expect(sortingViolationRules(sv({}), th)).toEqual([]);
  });
  it('S2 needs the detector’s confidence', () => {
    expect(sortingViolationRules(sv({ kind: 'kick', confidence: 0.3 }), th)).toEqual([]);
    expect(sortingViolationRules(sv({ kind: 'kick' }), th)[0]!.personId).toBeNull();
  });
});

describe('delivery rules', () => {
  const signed = (over: Record<string, unknown>) =>
    ({ id: '00000000-0000-4000-8000-000000000003', type: 'delivery.signed', at: '2025-01-01T00:00:00Z', v: 1, waybillNo: 'KJ00000001', courierId: 'P1', siteId: 'S1', method: 'in_person', signer: 'recipient', photo: { kind: 'photo', uri: 'x' }, ...over }) as Parameters<typeof signedRules>[0];
  it('D4 far: 0.0045° of latitude (≈ 500.4 m) fires, 0.0044° does not', () => {
    expect(signedRules(signed({ lat: 30.0045, lon: 120, addressLat: 30, addressLon: 120 }), th).map((f) => f.ruleId)).toEqual(['D4']);
    expect(signedRules(signed({ lat: 30.0044, lon: 120, addressLat: 30, addressLon: 120 }), th)).toEqual([]);
  });
});

describe('cold-chain ranges (T5)', () => {
  const t = (k: string) => th('T5', k);
  it('chilled is 0–8 °C inclusive, frozen at most −18 °C, pharma 2–8 °C', () => {
    expect([outOfRange(8, 'chilled', t), outOfRange(8.1, 'chilled', t), outOfRange(-0.1, 'chilled', t)]).toEqual([false, true, true]);
    expect([outOfRange(-18, 'frozen', t), outOfRange(-17.9, 'frozen', t)]).toEqual([false, true]);
    expect([outOfRange(2, 'pharma', t), outOfRange(1.9, 'pharma', t), outOfRange(30, 'none', t)]).toEqual([false, true, false]);
  });
});
