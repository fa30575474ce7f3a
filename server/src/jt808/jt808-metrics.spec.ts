import { Histogram, Jt808Metrics } from './jt808-metrics';

describe('Jt808Metrics', () => {
  it('renders counters with labels, gauges and the latency histogram as Prometheus text', () => {
    const m = new Jt808Metrics();
    m.inc('frames_rejected_total', { reason: 'bad_checksum' });
    m.inc('frames_rejected_total', { reason: 'bad_checksum' });
    m.inc('frames_rejected_total', { reason: 'oversize' }, 3);
    m.gauge('connections_active', () => 7);
    m.storeLatency.observe(30);
    m.storeLatency.observe(3000);
    const text = m.toPrometheus();
    expect(text).toContain('# TYPE kanjian_jt808_frames_rejected_total counter');
    expect(text).toContain('kanjian_jt808_frames_rejected_total{reason="bad_checksum"} 2\n');
    expect(text).toContain('kanjian_jt808_frames_rejected_total{reason="oversize"} 3\n');
    expect(text).toContain('# TYPE kanjian_jt808_connections_active gauge\nkanjian_jt808_connections_active 7\n');
    expect(text).toContain('kanjian_jt808_store_latency_ms_bucket{le="50"} 1\n');
    expect(text).toContain('kanjian_jt808_store_latency_ms_bucket{le="+Inf"} 2\n');
    expect(m.total('frames_rejected_total')).toBe(5);
    expect(m.snapshot()).toMatchObject({ 'frames_rejected_total{reason="oversize"}': 3, connections_active: 7 });
  });

  it('gives the bucket bound of a quantile', () => {
    const h = new Histogram([10, 100, 1000]);
    for (let i = 0; i < 98; i++) h.observe(5);
    h.observe(50);
    h.observe(500);
    expect(h.quantile(0.5)).toBe(10);
    expect(h.quantile(0.99)).toBe(100);
    expect(h.quantile(1)).toBe(1000);
  });
});
