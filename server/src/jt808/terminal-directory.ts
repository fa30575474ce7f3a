import { NetworkSchema } from '@kanjian/shared';
import { normalizePhone } from './codec/bcd.util';

/** Terminal phone → vehicle, from the hub's reference data. */
export interface TerminalDirectory {
  /** The vehicle a terminal belongs to, by normalized phone; undefined for an unknown terminal. */
  lookup(phone: string): TerminalEntry | undefined;
  readonly size: number;
}

export interface TerminalEntry {
  vehicleId: string;
  plate: string;
}

export class StaticTerminalDirectory implements TerminalDirectory {
  private map = new Map<string, TerminalEntry>();

  constructor(entries: Iterable<[string, TerminalEntry]> = []) {
    this.replace(entries);
  }

  lookup(phone: string): TerminalEntry | undefined {
    return this.map.get(phone);
  }

  get size(): number {
    return this.map.size;
  }

  /** Swaps the whole mapping at once, so a lookup never sees half a refresh. */
  replace(entries: Iterable<[string, TerminalEntry]>): void {
    const next = new Map<string, TerminalEntry>();
    for (const [phone, e] of entries) next.set(normalizePhone(phone), e);
    this.map = next;
  }
}

const VehiclesOnlySchema = NetworkSchema.pick({ vehicles: true });

export interface HubDirectoryOptions {
  hubUrl: string;
  token: string;
  requestTimeoutMs: number;
}

/** Loads the mapping from `GET /api/v1/network`; vehicles without a terminal phone are skipped. */
export class HubTerminalDirectory extends StaticTerminalDirectory {
  private readonly url: string;
  loadedAt: number | null = null;

  constructor(private readonly opts: HubDirectoryOptions) {
    super();
    this.url = new URL('/api/v1/network', opts.hubUrl).toString();
  }

  /** Fetches and swaps in the mapping; throws with a message naming what went wrong. */
  async refresh(): Promise<number> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        headers: { authorization: `Bearer ${this.opts.token}`, accept: 'application/json' },
        signal: AbortSignal.timeout(this.opts.requestTimeoutMs),
      });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      throw new Error(`GET ${this.url}: ${err.message}${err.cause ? ` (${err.cause.code ?? err.cause.message})` : ''}`);
    }
    if (res.status !== 200) throw new Error(`GET ${this.url} answered ${res.status}: ${(await res.text().catch(() => '')).slice(0, 200)}`);
    const parsed = VehiclesOnlySchema.safeParse(await res.json());
    if (!parsed.success) throw new Error(`GET ${this.url}: vehicles do not match the network schema: ${parsed.error.issues[0]?.message}`);
    const entries: [string, TerminalEntry][] = [];
    for (const v of parsed.data.vehicles) {
      if (v.terminalPhone && /^[0-9]{1,20}$/.test(v.terminalPhone)) entries.push([v.terminalPhone, { vehicleId: v.id, plate: v.plate }]);
    }
    this.replace(entries);
    this.loadedAt = Date.now();
    return entries.length;
  }
}
