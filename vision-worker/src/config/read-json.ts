import { readFileSync } from 'node:fs';
import type { z } from 'zod';

/** Reads a JSON file and validates it, with errors that name the file and each field that is wrong. */
export function readJson<T>(path: string, schema: z.ZodType<T>, what?: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path}: not readable JSON (${(e as Error).message})`);
  }
  const r = schema.safeParse(raw);
  if (!r.success) throw new Error(`${path}: ${what ? `${what}: ` : ''}${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return r.data;
}
