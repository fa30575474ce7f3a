import { kpiValues, targetOf } from './kpi-values';

describe('kpiValues', () => {
  it('computes compliance as 1 − violations ÷ parcels and rates per 10,000', () => {
    const v = kpiValues([
      { key: 'parcels', num: 2000, den: 0 },
      { key: 'violations', num: 3, den: 0 },
      { key: 'complaints', num: 1, den: 0 },
      { key: 'csat', num: 9, den: 10 },
      { key: 'departures', num: 3, den: 4 },
    ]);
    expect(v.compliance_rate).toBeCloseTo(0.9985, 6);
    expect(v.complaint_rate_per_10k).toBeCloseTo(5, 6);
    expect(v.csat).toBeCloseTo(90, 6);
    expect(v.on_time_departure_rate).toBeCloseTo(0.75, 6);
    expect(v.parcels_handled).toBe(2000);
    expect(v.violation_count).toBe(3);
  });
  it('answers null, not zero, where nothing was handled', () => {
    const v = kpiValues([]);
    expect(v.compliance_rate).toBeNull();
    expect(v.csat).toBeNull();
    expect(v.first_response_min).toBeNull();
    expect(v.coldchain_excursion_min).toBe(0);
  });
});

describe('targetOf', () => {
  const rows = new Map([
    ['csat', { target: 90, baseline: 82.9 }],
    ['complaint_rate_per_10k', { target: null, baseline: 5 }],
    ['exception_handling_h', { target: null, baseline: 10 }],
    ['coldchain_excursion_min', { target: 0, baseline: null }],
  ]);
  it('derives the 三全三降 reductions from the baseline', () => {
    expect(targetOf('complaint_rate_per_10k', rows)).toBeCloseTo(3, 6);
    expect(targetOf('exception_handling_h', rows)).toBeCloseTo(5, 6);
    expect(targetOf('csat', rows)).toBe(90);
    expect(targetOf('cold_chain_excursion_min', rows)).toBe(0);
    expect(targetOf('parcels', rows)).toBeNull();
  });
});
