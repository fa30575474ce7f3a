import type { AlertSummaryV1 } from '@kanjian/shared';
import type { ComplaintSummary } from '@kanjian/shared';

const STATUS_RANK: Record<AlertSummaryV1['status'], number> = { open: 0, acknowledged: 1, resolved: 2 };
const LEVEL_RANK: Record<AlertSummaryV1['level'], number> = { floor: 0, site: 1, region: 2, hq: 3 };

/**
 * Alerts come from three places: the REST list (the reference when the console opens), the live room
 * (deltas), and the answers to this console's own actions (so a click shows at once). An alert only moves
 * forward (open → acknowledged → resolved; escalation raises its level), so the most advanced copy wins.
 */
export function mergeAlerts(...sources: ReadonlyArray<readonly AlertSummaryV1[]>): AlertSummaryV1[] {
  const byId = new Map<string, AlertSummaryV1>();
  for (const list of sources) {
    for (const a of list) {
      const prev = byId.get(a.id);
      if (!prev || isAhead(a, prev)) byId.set(a.id, a);
    }
  }
  return [...byId.values()];
}

function isAhead(a: AlertSummaryV1, b: AlertSummaryV1): boolean {
  const s = STATUS_RANK[a.status] - STATUS_RANK[b.status];
  if (s !== 0) return s > 0;
  return LEVEL_RANK[a.level] >= LEVEL_RANK[b.level];
}

/** The actions a console offers on an alert in its state. */
export function alertActions(a: AlertSummaryV1): Array<'ack' | 'resolve' | 'escalate'> {
  if (a.status === 'resolved') return [];
  const out: Array<'ack' | 'resolve' | 'escalate'> = [];
  if (a.status === 'open') out.push('ack');
  out.push('resolve');
  if (a.level !== 'hq') out.push('escalate');
  return out;
}

export interface ComplaintTimer {
  kind: 'first_response' | 'resolution';
  dueAt: number;
  /** ms until due; negative once overdue. */
  remainingMs: number;
  overdue: boolean;
}

/** The timer that matters now: first response until there is one, then resolution. */
export function complaintTimer(c: ComplaintSummary, now: number): ComplaintTimer | null {
  if (c.status === 'resolved') return null;
  const kind = c.firstResponseAt === null ? 'first_response' : 'resolution';
  const dueAt = Date.parse(kind === 'first_response' ? c.firstResponseDueAt : c.resolutionDueAt);
  const remainingMs = dueAt - now;
  return { kind, dueAt, remainingMs, overdue: remainingMs < 0 };
}

/** Backlog order: most overdue (or closest to due) first. */
export function sortBacklog(list: readonly ComplaintSummary[], now: number): ComplaintSummary[] {
  const key = (c: ComplaintSummary) => complaintTimer(c, now)?.remainingMs ?? Number.POSITIVE_INFINITY;
  return list.slice().sort((a, b) => key(a) - key(b));
}
