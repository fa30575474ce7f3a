/**
 * The gateway's counters, gauges and latency histogram: a plain object the hub can read and export with
 * its own registry later, and a Prometheus text rendering for the gateway's own /metrics endpoint.
 */

export type Labels = Record<string, string>;

const HELP: Record<string, string> = {
  connections_opened_total: 'TCP connections accepted',
  connections_closed_total: 'TCP connections closed, by reason',
  frames_received_total: 'Frames that decoded (flags, escapes, checksum and header good), by message id',
  frames_rejected_total: 'Frames dropped before decoding a message, by reason (bad_checksum, bad_escape, too_short, length_mismatch, bad_header, oversize)',
  bytes_discarded_total: 'Bytes outside any frame (before the first flag, or after an oversize frame)',
  messages_rejected_total: 'Decoded frames whose message was refused, by reason',
  acks_sent_total: 'Platform answers sent, by message id and result',
  auth_total: 'Registrations and authentications, by outcome',
  positions_total: 'Location reports mapped to vehicle.position, by kind (live, batch, backfill)',
  reports_skipped_total: 'Location reports with no GNSS fix or no valid time (no position to store)',
  incidents_total: 'Alarm rising edges raised as vehicle.incident, by kind',
  split_total: 'Split packets, by outcome (packet, complete, duplicate, resend_requested, dropped, rejected)',
  flow_paused_total: 'Times reading a connection was paused, by cause (rate, pending, buffer)',
  sink_events_total: 'Events settled by the hub, by outcome (stored, duplicate, rejected)',
  sink_requests_total: 'HTTP requests to the hub, by outcome',
  connections_active: 'Open TCP connections',
  terminals_online: 'Authenticated terminals',
  sink_queue_depth: 'Events held by the sink (queued or in flight)',
  sink_queue_capacity: 'Bound of the sink queue',
  sink_waiting: 'Callers waiting for room in the sink queue',
  directory_terminals: 'Terminal phones mapped to vehicles',
  store_latency_ms: 'Milliseconds from an accepted frame to the hub storing its events',
  hub_request_ms: 'Milliseconds of one delivery request to the hub (any outcome)',
};

export class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(readonly buckets: readonly number[]) {
    this.counts = new Array(buckets.length).fill(0);
  }
  observe(v: number): void {
    this.sum += v;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) {
      if (v <= this.buckets[i]) {
        this.counts[i]++;
        return;
      }
    }
  }
  /** Upper bound of the bucket holding quantile q (coarse, for logs and health). */
  quantile(q: number): number | null {
    if (this.count === 0) return null;
    const rank = q * this.count;
    let acc = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      acc += this.counts[i];
      if (acc >= rank) return this.buckets[i];
    }
    return Infinity;
  }
}

function key(name: string, labels?: Labels): string {
  if (!labels) return name;
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${labels[k].replace(/["\\\n]/g, '_')}"`);
  return `${name}{${parts.join(',')}}`;
}

export class Jt808Metrics {
  private readonly counters = new Map<string, number>();
  private readonly gauges = new Map<string, () => number>();
  readonly storeLatency = new Histogram([5, 10, 25, 50, 75, 100, 150, 250, 500, 1000, 2500, 5000, 10_000, 30_000]);
  readonly hubRequest = new Histogram([5, 10, 25, 50, 75, 100, 150, 250, 500, 1000, 2500, 5000, 10_000, 30_000]);

  constructor(private readonly prefix = 'kanjian_jt808_') {}

  inc(name: string, labels?: Labels, n = 1): void {
    const k = key(name, labels);
    this.counters.set(k, (this.counters.get(k) ?? 0) + n);
  }

  get(name: string, labels?: Labels): number {
    return this.counters.get(key(name, labels)) ?? 0;
  }

  /** Sum of a counter over all its label sets. */
  total(name: string): number {
    let n = 0;
    for (const [k, v] of this.counters) if (k === name || k.startsWith(`${name}{`)) n += v;
    return n;
  }

  gauge(name: string, read: () => number): void {
    this.gauges.set(name, read);
  }

  snapshot(): Record<string, number> {
    const out: Record<string, number> = Object.fromEntries(this.counters);
    for (const [k, read] of this.gauges) out[k] = read();
    return out;
  }

  toPrometheus(): string {
    const lines: string[] = [];
    const byName = new Map<string, [string, number][]>();
    for (const [k, v] of this.counters) {
      const name = k.split('{')[0];
      if (!byName.has(name)) byName.set(name, []);
      byName.get(name)!.push([k, v]);
    }
    for (const [name, series] of [...byName].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`# HELP ${this.prefix}${name} ${HELP[name] ?? name}`, `# TYPE ${this.prefix}${name} counter`);
      for (const [k, v] of series) lines.push(`${this.prefix}${k} ${v}`);
    }
    for (const [name, read] of this.gauges) {
      lines.push(`# HELP ${this.prefix}${name} ${HELP[name] ?? name}`, `# TYPE ${this.prefix}${name} gauge`, `${this.prefix}${name} ${read()}`);
    }
    for (const [name, h] of [
      ['store_latency_ms', this.storeLatency],
      ['hub_request_ms', this.hubRequest],
    ] as const) {
      const hn = `${this.prefix}${name}`;
      lines.push(`# HELP ${hn} ${HELP[name]}`, `# TYPE ${hn} histogram`);
      let acc = 0;
      h.buckets.forEach((b, i) => {
        acc += h.counts[i];
        lines.push(`${hn}_bucket{le="${b}"} ${acc}`);
      });
      lines.push(`${hn}_bucket{le="+Inf"} ${h.count}`, `${hn}_sum ${h.sum}`, `${hn}_count ${h.count}`);
    }
    return lines.join('\n') + '\n';
  }
}
