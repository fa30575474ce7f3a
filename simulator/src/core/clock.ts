/**
 * Simulated time. The generator only ever asks "what time is it in the simulation" and "wait a little";
 * whether that is wall time, wall time × speed, or a test stepping through a day instantly is the clock's
 * business.
 */
export interface Clock {
  /** Simulated epoch ms. */
  now(): number;
  /** Waits `wallMs` of real time (a manual clock advances simulated time instead). */
  sleep(wallMs: number): Promise<void>;
  /** Simulated ms per wall ms. */
  readonly speed: number;
}

/** Wall time scaled by `speed` from `simStart` (speed 1 and simStart = now: real time). */
export class ScaledClock implements Clock {
  private readonly wallStart: number;
  constructor(
    private readonly simStart: number,
    readonly speed: number,
    private readonly wallNow: () => number = Date.now,
  ) {
    if (!(speed > 0)) throw new Error(`speed must be positive, got ${speed}`);
    this.wallStart = wallNow();
  }
  now(): number {
    return this.simStart + (this.wallNow() - this.wallStart) * this.speed;
  }
  sleep(wallMs: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, wallMs)));
  }
}

/** For tests: time moves only when someone sleeps or advances it; nothing waits for real. */
export class ManualClock implements Clock {
  constructor(
    private t: number,
    readonly speed = 1,
  ) {}
  now(): number {
    return this.t;
  }
  advance(simMs: number): void {
    this.t += simMs;
  }
  async sleep(wallMs: number): Promise<void> {
    this.t += wallMs * this.speed;
    await Promise.resolve();
  }
}
