import type { ViolationSummaryV1 } from '@kanjian/shared';
import type { StageName, TraceRecord, WaybillTrace } from '@kanjian/shared';

export const STAGES: readonly StageName[] = ['pickup', 'transport', 'sorting', 'delivery', 'aftersales'];

export interface StageColumn {
  stage: StageName;
  records: TraceRecord[];
  violations: ViolationSummaryV1[];
  /** When the parcel's first and last record at this stage happened (null when none). */
  from: number | null;
  to: number | null;
}

function stageOf(v: ViolationSummaryV1): StageName | null {
  return (STAGES as readonly string[]).includes(v.stage) ? (v.stage as StageName) : null;
}

/** The trace as five columns in stage order, each in time order. */
export function stageColumns(trace: WaybillTrace): StageColumn[] {
  return STAGES.map((stage) => {
    const records = trace.records.filter((r) => r.stage === stage).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    const violations = trace.violations.filter((v) => stageOf(v) === stage).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    const times = records.map((r) => Date.parse(r.at));
    return {
      stage,
      records,
      violations,
      from: times.length ? Math.min(...times) : null,
      to: times.length ? Math.max(...times) : null,
    };
  });
}
