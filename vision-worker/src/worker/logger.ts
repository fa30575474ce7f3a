/** Structured one-line JSON logs on stderr (stdout stays free for tools that pipe the worker). */
export interface Logger {
  info(msg: string, extra?: Record<string, unknown>): void;
  warn(msg: string, extra?: Record<string, unknown>): void;
  error(msg: string, extra?: Record<string, unknown>): void;
}

export function jsonLogger(component: string, quiet = false): Logger {
  const write = (level: string, msg: string, extra?: Record<string, unknown>) => {
    if (quiet && level === 'info') return;
    process.stderr.write(JSON.stringify({ t: new Date().toISOString(), level, component, msg, ...extra }) + '\n');
  };
  return { info: (m, e) => write('info', m, e), warn: (m, e) => write('warn', m, e), error: (m, e) => write('error', m, e) };
}
