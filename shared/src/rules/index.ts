import type { Stage } from '../events';

export type RuleId =
  | 'P1' | 'P2' | 'P3' | 'P4' | 'P5'
  | 'T1' | 'T2' | 'T3' | 'T4' | 'T5' | 'T6'
  | 'S1' | 'S2' | 'S3' | 'S4'
  | 'D1' | 'D2' | 'D3' | 'D4' | 'D5'
  | 'A1' | 'A2' | 'A3' | 'A4'
  | 'X1' | 'X2' | 'X3';

export interface RuleDef {
  id: RuleId;
  stage: Stage | 'pattern';
  title: { zh: string; en: string };
  severity: 'info' | 'warning' | 'violation' | 'critical';
  /** Default thresholds; a site (or floor, where it applies) may override each key. */
  defaults: Record<string, number>;
}

/** The rule catalogue of PRODUCT.md, with its defaults. Ids are stable: alerts, tests and screens name them. */
export const RULES: Record<RuleId, RuleDef> = {
  P1: { id: 'P1', stage: 'pickup', severity: 'violation', title: { zh: '未验视收件', en: 'Pickup without inspection photo' }, defaults: {} },
  P2: { id: 'P2', stage: 'pickup', severity: 'critical', title: { zh: '禁寄物品', en: 'Prohibited item declared' }, defaults: {} },
  P3: { id: 'P3', stage: 'pickup', severity: 'violation', title: { zh: '面单信息缺失', en: 'Waybill fields missing' }, defaults: { missingForViolation: 3 } },
  P4: { id: 'P4', stage: 'pickup', severity: 'warning', title: { zh: '未提示保价', en: 'Insured value not offered' }, defaults: {} },
  P5: { id: 'P5', stage: 'pickup', severity: 'violation', title: { zh: '未实名收寄', en: 'Sender real name not verified' }, defaults: {} },
  T1: { id: 'T1', stage: 'transport', severity: 'warning', title: { zh: '发车延误', en: 'Late departure' }, defaults: { lateMinutes: 15 } },
  T2: { id: 'T2', stage: 'transport', severity: 'violation', title: { zh: '车辆失联', en: 'Vehicle silent' }, defaults: { silentSeconds: 60 } },
  T3: { id: 'T3', stage: 'transport', severity: 'warning', title: { zh: '异常停车/拥堵', en: 'Abnormal stop or congestion' }, defaults: { speedKmh: 5, minutes: 10 } },
  T4: { id: 'T4', stage: 'transport', severity: 'critical', title: { zh: '途中突发事件', en: 'Incident in transit' }, defaults: { notifyMinutes: 5 } },
  T5: { id: 'T5', stage: 'transport', severity: 'violation', title: { zh: '冷链温度超限', en: 'Cold-chain temperature excursion' }, defaults: { minutes: 5 } },
  T6: { id: 'T6', stage: 'transport', severity: 'warning', title: { zh: '预计晚到', en: 'Predicted late arrival' }, defaults: { lateMinutes: 30 } },
  S1: { id: 'S1', stage: 'sorting', severity: 'violation', title: { zh: '抛扔快件', en: 'Parcel thrown or dropped' }, defaults: { dropHeightCm: 50 } },
  S2: { id: 'S2', stage: 'sorting', severity: 'violation', title: { zh: '踢踩快件', en: 'Parcel kicked' }, defaults: {} },
  S3: { id: 'S3', stage: 'sorting', severity: 'warning', title: { zh: '异常件未及时登记', en: 'Exception parcel not registered' }, defaults: { minutes: 30 } },
  S4: { id: 'S4', stage: 'sorting', severity: 'warning', title: { zh: '摄像头离线', en: 'Camera offline' }, defaults: { silentSeconds: 60 } },
  D1: { id: 'D1', stage: 'delivery', severity: 'violation', title: { zh: '未电联派送', en: 'Delivered without a call' }, defaults: { callWithinHours: 4 } },
  D2: { id: 'D2', stage: 'delivery', severity: 'violation', title: { zh: '未沟通放驿站', en: 'Locker/station drop without consent' }, defaults: {} },
  D3: { id: 'D3', stage: 'delivery', severity: 'violation', title: { zh: '签收无照片', en: 'Signed without sign-off photo' }, defaults: {} },
  D4: { id: 'D4', stage: 'delivery', severity: 'violation', title: { zh: '违规代签', en: 'Unauthorised proxy signature' }, defaults: { farMeters: 500 } },
  D5: { id: 'D5', stage: 'delivery', severity: 'warning', title: { zh: '派送超时', en: 'Out for delivery too long' }, defaults: { hours: 24 } },
  A1: { id: 'A1', stage: 'aftersales', severity: 'warning', title: { zh: '投诉未首响', en: 'Complaint without first response' }, defaults: { minutes: 30 } },
  A2: { id: 'A2', stage: 'aftersales', severity: 'violation', title: { zh: '投诉未解决', en: 'Complaint unresolved' }, defaults: { hours: 48 } },
  A3: { id: 'A3', stage: 'aftersales', severity: 'info', title: { zh: '投诉溯源', en: 'Complaint traced to a stage' }, defaults: {} },
  A4: { id: 'A4', stage: 'aftersales', severity: 'info', title: { zh: '满意度评价', en: 'Satisfaction rating' }, defaults: {} },
  X1: { id: 'X1', stage: 'pattern', severity: 'violation', title: { zh: '连续三日未验视', en: 'P1 lapses on consecutive days' }, defaults: { days: 3 } },
  X2: { id: 'X2', stage: 'pattern', severity: 'warning', title: { zh: '个人重复违规', en: 'Repeated violations by a person' }, defaults: { count: 3, days: 7 } },
  X3: { id: 'X3', stage: 'pattern', severity: 'violation', title: { zh: '投诉激增', en: 'Complaint spike' }, defaults: { factor: 2, minCount: 5 } },
};

export const RULE_IDS = Object.keys(RULES) as RuleId[];
