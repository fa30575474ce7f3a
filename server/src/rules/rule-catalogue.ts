import { RULE_IDS, RULES, type RuleId } from '@kanjian/shared';

/** Escalation timers are configured like a rule's thresholds, under this id. */
export const ESCALATION = 'ESC' as const;
export type ThresholdRuleId = RuleId | typeof ESCALATION;
export const THRESHOLD_RULE_IDS: ThresholdRuleId[] = [...RULE_IDS, ESCALATION];

/**
 * Thresholds the hub evaluates with: the shared catalogue's defaults plus the keys the evaluation needs that the
 * catalogue leaves implicit (cold-chain ranges, the settle time before judging a delivery, escalation timers).
 */
const EXTRA: Partial<Record<ThresholdRuleId, Record<string, number>>> = {
  S1: { minConfidence: 0.5 },
  S2: { minConfidence: 0.5 },
  S4: {},
  T5: { chilledMinC: 0, chilledMaxC: 8, frozenMaxC: -18, pharmaMinC: 2, pharmaMaxC: 8 },
  T6: { everySeconds: 60 },
  D1: { settleSeconds: 60 },
  D2: { settleSeconds: 60 },
  X3: { baselineDays: 7 },
  ESC: { floorMinutes: 10, siteMinutes: 30, regionMinutes: 60 },
};

export const THRESHOLD_DEFAULTS: Record<ThresholdRuleId, Record<string, number>> = Object.fromEntries(
  THRESHOLD_RULE_IDS.map((id) => [id, { ...(id === ESCALATION ? {} : RULES[id].defaults), ...(EXTRA[id] ?? {}) }]),
) as Record<ThresholdRuleId, Record<string, number>>;

/** Rules judged on a sorting floor: their thresholds may also be set per floor (e.g. the drop height). */
export const FLOOR_RULES = new Set<ThresholdRuleId>(['S1', 'S2', 'S3', 'S4', ESCALATION]);

/** Rules that only raise an alert (an incident, a device, a pattern): they are not a person's violation. */
export const ALERT_ONLY = new Set<RuleId>(['T2', 'T4', 'T6', 'S4', 'X1', 'X2', 'X3']);

/** Rules whose firing also opens (or re-triggers) an alert for someone to act on. */
export const RAISES_ALERT = new Set<RuleId>(['P2', 'T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'S3', 'S4', 'D5', 'A1', 'A2', 'X1', 'X2', 'X3']);

/** Severities that count against compliance: warnings are shown, not counted. */
export const COUNTED_SEVERITIES = ['violation', 'critical'] as const;

export function isThresholdRuleId(s: string): s is ThresholdRuleId {
  return (THRESHOLD_RULE_IDS as string[]).includes(s);
}
