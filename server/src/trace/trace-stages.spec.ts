import { attributeStage, stageOf, type TraceFact } from './trace-stages';

const f = (type: string, iso: string, payload: Record<string, unknown> = {}, siteKind: string | null = 'station'): TraceFact => ({
  id: iso, at: new Date(iso), type, siteId: 'S', siteKind, payload,
});

describe('stageOf', () => {
  it('reads tracking states with the reporting site', () => {
    expect(stageOf(f('waybill.tracking', '2025-01-01T00:00:00Z', { status: 1 }))).toBe('pickup');
    expect(stageOf(f('waybill.tracking', '2025-01-01T00:00:00Z', { status: 0 }, 'hub'))).toBe('sorting');
    expect(stageOf(f('waybill.tracking', '2025-01-01T00:00:00Z', { status: 1002 }, 'station'))).toBe('transport');
    expect(stageOf(f('waybill.tracking', '2025-01-01T00:00:00Z', { status: 5 }))).toBe('delivery');
  });
});

describe('attributeStage (A3)', () => {
  const trail = [
    f('pickup.completed', '2025-01-01T01:00:00Z'),
    f('waybill.tracking', '2025-01-01T03:00:00Z', { status: 0 }, 'hub'),
    f('waybill.tracking', '2025-01-02T09:00:00Z', { status: 1002 }),
    f('delivery.out', '2025-01-02T10:00:00Z'),
  ];
  const before = new Date('2025-01-02T12:00:00Z');
  it('lets a recorded violation speak first', () => {
    const r = attributeStage('delay', trail, [{ ruleId: 'S1', stage: 'sorting', severity: 'violation', at: new Date('2025-01-01T03:10:00Z'), detail: 'drop 80 cm' }], before);
    expect(r.stage).toBe('sorting');
    expect(r.reason).toContain('S1');
  });
  it('puts a delay where the parcel waited longest', () => {
    expect(attributeStage('delay', trail, [], before).stage).toBe('sorting');
  });
  it('puts a loss where the parcel was last seen', () => {
    expect(attributeStage('lost', trail, [], before).stage).toBe('delivery');
  });
  it('blames pickup when nothing was recorded', () => {
    expect(attributeStage('other', [], [], before).stage).toBe('pickup');
  });
});
