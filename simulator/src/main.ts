#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { NetworkSchema, type Network } from '@kanjian/shared';
import { parseCli, USAGE, type CliOptions } from './cli/args';
import { ManualClock, ScaledClock, type Clock } from './core/clock';
import { DAY_MS, isoUtc8 } from './core/time';
import { RateMeter } from './engine/rate-meter';
import { Simulation } from './engine/simulation';
import { TruthLog } from './engine/truth-log';
import { RATES } from './model/calibration';
import { jsonLogger, type LogFn } from './runner/log';
import { Runner } from './runner/runner';
import { loadState, saveState } from './runner/state-store';
import { FileTransport } from './transport/file-transport';
import { HubClient, type IngestTransport } from './transport/hub-client';
import { Sender } from './transport/sender';

export function ratesMarkdown(): string {
  const rows = Object.entries(RATES).map(([k, r]) => `| \`${k}\` | ${r.value} ${r.unit} | ${r.band[0]}–${r.band[1]} | ${r.per} | ${'rule' in r ? r.rule : ''} | ${r.source} |`);
  return ['| key | value | band (one day) | per | rule | source |', '| --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}

async function fetchNetwork(opts: CliOptions, client: HubClient | null, log: LogFn, stopped: () => boolean): Promise<Network | null> {
  if (opts.network) {
    const parsed = NetworkSchema.safeParse(JSON.parse(readFileSync(opts.network, 'utf8')));
    if (!parsed.success) throw new Error(`${opts.network} is not a network: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
    return parsed.data;
  }
  let backoff = 1000;
  for (;;) {
    try {
      return await client!.getNetwork();
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      // 401/403 will not get better by waiting.
      if (/answered 40[13]/.test(msg)) throw e;
      log('warn', 'cannot fetch the network from the hub yet; retrying', { error: msg, backoffMs: backoff });
      await new Promise((r) => setTimeout(r, backoff));
      if (stopped()) return null;
      backoff = Math.min(15_000, backoff * 2);
    }
  }
}

export async function main(argv: string[]): Promise<number> {
  let opts: CliOptions;
  try {
    opts = parseCli(argv);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (opts.printRates) {
    process.stdout.write(ratesMarkdown() + '\n');
    return 0;
  }
  const log = jsonLogger();
  let stopping = false;
  let runner: Runner | null = null;
  const onSignal = (sig: string) => {
    if (stopping) {
      log('warn', `second ${sig}: exiting without flushing`);
      process.exit(130);
    }
    stopping = true;
    log('info', `${sig}: finishing requests in flight and saving the checkpoint`);
    runner?.stop();
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  const client = opts.out ? null : new HubClient(opts.hub!, opts.token!, { format: opts.format, timeoutMs: 30_000 });
  const network = await fetchNetwork(opts, client, log, () => stopping);
  if (!network) return 0;
  // Where to start: an explicit --start, else the checkpoint of the last run, else now.
  const state = opts.state && !opts.fresh ? loadState(opts.state) : null;
  if (state && (state.seed !== opts.seed || state.scale !== opts.scale)) {
    throw new Error(`state file ${opts.state} is for seed ${state.seed} scale ${state.scale}, not seed ${opts.seed} scale ${opts.scale}: pass --fresh or another --state`);
  }
  const wall = Date.now();
  let startAt = opts.start ?? wall;
  let backlogFrom: number | undefined;
  let clockStart = startAt;
  if (opts.start === null && state) {
    backlogFrom = state.checkpoint;
    if (opts.speed === 1) {
      // Real time: replay a short gap (the devices upload what they recorded), skip a long one.
      const gap = wall - state.checkpoint;
      startAt = gap <= opts.maxCatchupMs ? state.checkpoint : wall;
      clockStart = Math.max(wall, state.checkpoint);
      if (gap > opts.maxCatchupMs) log('warn', 'the last run stopped too long ago to replay; skipping the gap', { from: isoUtc8(state.checkpoint), to: isoUtc8(wall) });
    } else {
      startAt = state.checkpoint;
      clockStart = state.checkpoint;
    }
    log('info', 'continuing from the checkpoint of the last run', { checkpoint: state.checkpointIso });
  }
  // The storyline opens a fresh start; a restart keeps the one its state file names.
  const freshStart = backlogFrom === undefined;
  const storylineAt = state?.storylineAt ?? (opts.storyline && freshStart ? Math.ceil(startAt / 1000) * 1000 : undefined);
  const sim = new Simulation(network, {
    seed: opts.seed,
    scale: opts.scale,
    volume: opts.volume,
    evidence: opts.evidence,
    positions: opts.positions,
    heartbeats: opts.heartbeats,
    ...(storylineAt !== undefined ? { storyline: { at: storylineAt } } : {}),
  });
  if (sim.linehaul.drivenVehicles < sim.vehicleLimit) {
    log('warn', `the network has ${network.vehicles.length} vehicles; --scale ${opts.scale} asks for ${sim.vehicleLimit}: driving all of them`);
  }
  const endAt = opts.duration !== null ? startAt + opts.duration : undefined;
  if (opts.out && endAt === undefined) throw new Error('--out needs --duration (offline generation has to end)');
  const clock: Clock = opts.out ? new ManualClock(clockStart, opts.speed === 1 ? 3600 : opts.speed) : new ScaledClock(clockStart, opts.speed);
  const transport: IngestTransport = opts.out ? new FileTransport(opts.out) : client!;
  const truth = new TruthLog(opts.truth);
  const meter = new RateMeter(sim.index);
  let r: Runner | null = null;
  const sender = new Sender(transport, {
    sleep: (ms) => new Promise((res) => setTimeout(res, ms)),
    isStopped: () => r?.isStopped ?? stopping,
    log,
  });
  r = new Runner({
    sim,
    clock,
    sender,
    truth,
    meter,
    log,
    startAt,
    endAt,
    backlogFrom,
    prelude: backlogFrom === undefined && opts.prelude,
    drain: opts.drain,
    batchSize: opts.batch,
    concurrency: opts.concurrency,
    logEveryMs: opts.logEveryMs,
    // A refresh takes only the trips of the days after the simulated now: ask for those, not every trip ever planned.
    refresh: client && !opts.network && opts.refreshNetworkMs !== null ? { everyMs: opts.refreshNetworkMs, fetch: (now) => client.getNetwork(now - DAY_MS) } : undefined,
    onCheckpoint: (cp) => {
      if (!opts.state || !Number.isFinite(cp)) return;
      saveState(opts.state, { version: 1, seed: opts.seed, scale: opts.scale, volume: opts.volume, hub: opts.hub ?? 'offline', checkpoint: cp, checkpointIso: isoUtc8(cp), speed: opts.speed, ...(storylineAt !== undefined ? { storylineAt } : {}), savedAt: new Date().toISOString() });
    },
  });
  runner = r;
  if (stopping) r.stop();
  log('info', 'simulator started', {
    hub: opts.hub,
    seed: opts.seed,
    scale: opts.scale,
    speed: opts.speed,
    vehicles: sim.linehaul.drivenVehicles,
    stations: sim.index.stations.length,
    floors: sim.index.floors.length,
    start: isoUtc8(startAt),
    storyline: storylineAt !== undefined ? isoUtc8(storylineAt) : null,
    end: endAt !== undefined ? isoUtc8(endAt) : null,
    state: opts.state,
    truth: opts.truth,
  });
  const summary = await r.run();
  log(summary.stoppedBy === 'fatal' ? 'error' : 'info', 'summary', { ...summary, generatedTo: isoUtc8(summary.generatedTo), checkpoint: Number.isFinite(summary.checkpoint) ? isoUtc8(summary.checkpoint) : null, rates: meter.report() });
  return summary.stoppedBy === 'fatal' ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
