import { spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * Starting and stopping the hub's processes as an operator would, for the benchmarks and the tests that run
 * the built hub, its CLI and the JT/T 808 gateway as separate processes.
 */

export function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
}

/** Runs the built CLI (`<dist>/cli/main.js`) and returns what it printed; throws with its output if it failed. */
export function runCli(dist: string, env: NodeJS.ProcessEnv, ...args: string[]): string {
  const r = spawnSync(process.execPath, [join(dist, 'cli', 'main.js'), ...args], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kanjian ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
  return r.stdout.trim();
}

/** Waits until `url` answers 200; fails early if the process exits, with what it logged when given. */
export async function waitHttp(url: string, proc: ChildProcess, name: string, timeoutMs: number, log: string[] = []): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`${name} exited with ${proc.exitCode}:\n${log.join('')}`);
    if (await fetch(url).then((r) => r.status === 200, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} did not answer ${url} within ${timeoutMs} ms:\n${log.join('')}`);
}

/** SIGTERM, then SIGKILL if the process has not exited after `graceMs`. */
export async function stopProcess(p: ChildProcess | undefined, graceMs = 15_000): Promise<void> {
  if (!p || p.exitCode !== null) return;
  const exited = new Promise<void>((r) => p.once('exit', () => r()));
  p.kill('SIGTERM');
  const t = setTimeout(() => p.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(t);
}
