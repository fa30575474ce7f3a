// @ts-check
/**
 * HQ map renderer benchmark: the real HQ map screen (dist-bench, built with `vite build --mode bench`) in
 * Debian's Chromium, fed locally with N vehicles moving at `hz` frames per second. Prints and writes
 * bench/results/wallboard.json:
 *   map_frame_ms_p95  p95 of the intervals between animation frames over the whole run
 *   heap_mb_start     JS heap after warm-up (after a forced GC)
 *   heap_mb_after     JS heap at the end of the run (after a forced GC)
 * plus the distribution, the frames that drew an update, the decode cost and a heap timeline.
 *
 * Environment: KJ_BENCH_MINUTES (10), KJ_BENCH_VEHICLES (20000), KJ_BENCH_HZ (1), KJ_BENCH_FRAME_MS (1000,
 * the hub's KJ_HQ_FRAME_MS: the hq room gets the whole fleet once a second), KJ_BENCH_WIDTH/HEIGHT
 * (1920×1080), KJ_BENCH_WARMUP_S (30), KJ_CHROMIUM (/usr/bin/chromium).
 */
import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = fileURLToPath(new URL('.', import.meta.url));
const DIST = resolve(here, '../dist-bench');
const RESULT = resolve(here, '../../bench/results/wallboard.json');

/** @param {string} name @param {number} def */
const env = (name, def) => {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${JSON.stringify(v)}`);
  return n;
};
const MINUTES = env('KJ_BENCH_MINUTES', 10);
const VEHICLES = env('KJ_BENCH_VEHICLES', 20_000);
const HZ = env('KJ_BENCH_HZ', 1);
const FRAME_MS = env('KJ_BENCH_FRAME_MS', 1000);
const WIDTH = env('KJ_BENCH_WIDTH', 1920);
const HEIGHT = env('KJ_BENCH_HEIGHT', 1080);
const WARMUP_S = env('KJ_BENCH_WARMUP_S', 30);
const CHROMIUM = process.env.KJ_CHROMIUM ?? '/usr/bin/chromium';

/** @type {Record<string, string>} */
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };

/** Serves dist-bench; the page's REST calls get a 404 (the bench measures the renderer, not the API). */
function serve() {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path.startsWith('/api/')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 'resource/not_found', message: 'no API in the renderer bench', correlationId: 'bench' }));
      return;
    }
    let file = join(DIST, path === '/' ? 'bench.html' : path);
    if (!file.startsWith(DIST) || !existsSync(file) || statSync(file).isDirectory()) file = join(DIST, 'bench.html');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((res) => server.listen(0, '127.0.0.1', () => res(server)));
}

/** @param {number[]} xs @param {number} q */
function quantile(xs, q) {
  if (xs.length === 0) return null;
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}
const round = (/** @type {number | null} */ x, d = 2) => (x === null ? null : Math.round(x * 10 ** d) / 10 ** d);

async function main() {
  if (!existsSync(join(DIST, 'bench.html'))) throw new Error(`${DIST}/bench.html is missing: run "vite build --mode bench" first (npm run bench does)`);
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium fonts-noto-cjk`);
  const server = /** @type {import('node:http').Server} */ (await serve());
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  const profile = mkdtempSync(join(tmpdir(), 'kj-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: WIDTH, height: HEIGHT },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await context.newPage();
    /** @type {string[]} */
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const cdp = await context.newCDPSession(page);
    const heapMb = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      const { usedSize } = await cdp.send('Runtime.getHeapUsage');
      return usedSize / 1024 / 1024;
    };
    const load0 = loadavg()[0];
    console.log(`wallboard bench: ${VEHICLES} vehicles at ${HZ} Hz in ${FRAME_MS} ms frames, ${WIDTH}×${HEIGHT}, ${MINUTES} min after ${WARMUP_S} s warm-up; ${cpus().length} cores, load ${load0.toFixed(2)}`);
    await page.goto(`http://127.0.0.1:${port}/?vehicles=${VEHICLES}&hz=${HZ}&frameMs=${FRAME_MS}`);
    await page.waitForFunction(() => /** @type {any} */ (window).__bench?.ready === true, null, { timeout: 60_000 });
    await page.waitForTimeout(WARMUP_S * 1000);
    await page.evaluate(() => /** @type {any} */ (window).__bench.reset());
    const heapStart = await heapMb();
    const timeline = [{ minute: 0, heap_mb: round(heapStart) }];
    const started = Date.now();
    for (let m = 1; m <= Math.ceil(MINUTES); m++) {
      const until = started + Math.min(m, MINUTES) * 60_000;
      await page.waitForTimeout(Math.max(0, until - Date.now()));
      const h = await heapMb();
      timeline.push({ minute: Math.min(m, MINUTES), heap_mb: round(h) });
      console.log(`  ${Math.min(m, MINUTES)} min: heap ${h.toFixed(1)} MB`);
    }
    const heapAfter = timeline[timeline.length - 1].heap_mb ?? 0;
    const f = await page.evaluate(() => /** @type {any} */ (window).__bench.frames());
    const updates = f.updateFrames.map((/** @type {number} */ i) => f.intervals[i]);
    const shownVehicles = await page.evaluate(() => document.querySelector('[data-testid=stat-vehicles]')?.getAttribute('data-value'));
    if (Number(shownVehicles) !== VEHICLES) throw new Error(`the map shows ${shownVehicles} vehicles, expected ${VEHICLES}`);
    mkdirSync(join(here, '../../e2e/artifacts'), { recursive: true });
    await page.screenshot({ path: join(here, '../../e2e/artifacts/bench-hq-map.png') });
    const result = {
      map_frame_ms_p95: round(quantile(f.intervals, 0.95)),
      heap_mb_start: round(heapStart),
      heap_mb_after: round(heapAfter),
      heap_growth_pct: round(((heapAfter - heapStart) / heapStart) * 100, 1),
      frame_ms: {
        p50: round(quantile(f.intervals, 0.5)),
        p95: round(quantile(f.intervals, 0.95)),
        p99: round(quantile(f.intervals, 0.99)),
        max: round(Math.max(...f.intervals)),
        frames: f.intervals.length,
        fps: round(f.intervals.length / (MINUTES * 60), 1),
      },
      update_frame_ms: {
        p50: round(quantile(updates, 0.5)),
        p95: round(quantile(updates, 0.95)),
        max: round(updates.length ? Math.max(...updates) : null),
        frames: updates.length,
      },
      decode_ms_p95: round(quantile(f.decodeMs, 0.95)),
      handle_ms_p50: round(quantile(f.handleMs, 0.5)),
      handle_ms_p95: round(quantile(f.handleMs, 0.95)),
      positions_frames: f.positionsFrames,
      vehicles: VEHICLES,
      hz: HZ,
      hub_frame_ms: FRAME_MS,
      minutes: MINUTES,
      viewport: `${WIDTH}x${HEIGHT}`,
      heap_timeline: timeline,
      page_errors: errors.slice(0, 5),
      chromium: context.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent)),
      cores: cpus().length,
      loadavg_start: round(load0),
      loadavg_end: round(loadavg()[0]),
      at: new Date().toISOString(),
      method:
        'HQ map screen unchanged, fed by bench/fake-hub.ts (every vehicle moves in every frame, frames arrive as a socket message would: JSON header + binary positions frame; decode = header parse, handle = decode + the room state reading the positions into the vehicle store); frame time = interval between requestAnimationFrame callbacks in headless Chromium with --disable-gpu (software raster); heap = Runtime.getHeapUsage after HeapProfiler.collectGarbage',
    };
    mkdirSync(resolve(RESULT, '..'), { recursive: true });
    writeFileSync(RESULT, `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify({ map_frame_ms_p95: result.map_frame_ms_p95, heap_mb_start: result.heap_mb_start, heap_mb_after: result.heap_mb_after, heap_growth_pct: result.heap_growth_pct, update_frame_ms_p95: result.update_frame_ms.p95 }));
    console.log(`written ${RESULT}`);
  } finally {
    await context.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
    server.close();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
