import { describe, expect, it } from 'vitest';
import type { WaybillTrace } from '@kanjian/shared';
import { stageColumns } from './trace-model';
import { violation } from '../../test/fixtures';

const rec = (id: string, stage: WaybillTrace['records'][number]['stage'], at: string) => ({
  id,
  at,
  stage,
  type: 'x',
  siteId: null,
  actorId: null,
  summary: id,
  evidence: [],
});

describe('waybill trace columns', () => {
  it('puts records and violations under their stage, in time order, five stages always', () => {
    const trace: WaybillTrace = {
      waybillNo: 'SF1234567890',
      records: [
        rec('sort2', 'sorting', '2025-03-01T12:00:00+08:00'),
        rec('pick', 'pickup', '2025-03-01T08:00:00+08:00'),
        rec('sort1', 'sorting', '2025-03-01T11:00:00+08:00'),
      ],
      violations: [violation('v', { stage: 'sorting' }), violation('odd', { stage: 'pattern' })],
      complaints: [],
      attributions: [],
    };
    const cols = stageColumns(trace);
    expect(cols.map((c) => c.stage)).toEqual(['pickup', 'transport', 'sorting', 'delivery', 'aftersales']);
    expect(cols[2].records.map((r) => r.id)).toEqual(['sort1', 'sort2']);
    expect(cols[2].violations.map((v) => v.id)).toEqual(['v']);
    expect(cols[2].from).toBe(Date.parse('2025-03-01T11:00:00+08:00'));
    expect(cols[1].records).toEqual([]);
    expect(cols[1].from).toBeNull();
  });
});
