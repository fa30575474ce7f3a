export type Level = 'debug' | 'info' | 'warn' | 'error';
export type LogFn = (level: Level, msg: string, extra?: Record<string, unknown>) => void;

const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Structured logs: one JSON object per line, to stderr (stdout stays free for --out -). */
export function jsonLogger(min: Level = 'info', write: (line: string) => void = (l) => process.stderr.write(l)): LogFn {
  return (level, msg, extra) => {
    if (ORDER[level] < ORDER[min]) return;
    write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...extra }) + '\n');
  };
}

export const silentLogger: LogFn = () => undefined;
