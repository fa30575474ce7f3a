import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWorkerConfig } from './worker-config';

describe('loadWorkerConfig: the throw classifier', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kj-worker-config-'));
  const example = JSON.parse(readFileSync(join(__dirname, '../../worker.example.json'), 'utf8')) as { model: Record<string, unknown> };
  const load = (model: Record<string, unknown>) => {
    const path = join(dir, 'worker.json');
    writeFileSync(path, JSON.stringify({ ...example, model: { ...example.model, ...model } }));
    return loadWorkerConfig(path, { feedToken: 't' }).model.motionModel;
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves it unset (the shipped model), resolves a path against the config file, and keeps "off"', () => {
    expect(load({})).toBeUndefined();
    expect(load({ motionModel: 'models/mine.json' })).toBe(join(dir, 'models/mine.json'));
    expect(load({ motionModel: 'off' })).toBe('off');
  });

  it('refuses an empty path, naming the field', () => {
    expect(() => load({ motionModel: '' })).toThrow(/model\.motionModel/);
  });
});
