import { describe, expect, it } from 'vitest';
import { output } from '../../src/commands/io.js';
import { applyProgress } from '../../src/commands/progress.js';
import type { Change } from '../../src/plan/types.js';

function capture(isTTY: boolean) {
  let text = '';
  const io = { stdout: { write: () => true }, stderr: { write: (s: string) => (text += s), isTTY }, env: {}, cwd: '.' };
  return { io, out: output(io), text: () => text };
}

const change = (i: number): Change => ({ address: `users/u${i}`, kind: 'clients', key: `u${i}`, action: 'create', fields: [] });

describe('apply progress', () => {
  it('lists each change of a small apply', () => {
    const c = capture(false);
    const p = applyProgress(2, c.io, c.out);
    p.done(change(1));
    p.done(change(2));
    p.finish();
    expect(c.text()).toBe('  ✓ created users/u1\n  ✓ created users/u2\n');
  });

  it('keeps a CI log of a large apply to periodic counts, but names every failure', () => {
    const c = capture(false);
    const p = applyProgress(1000, c.io, c.out, { everyMs: 60_000 });
    for (let i = 0; i < 999; i += 1) p.done(change(i));
    p.failed(change(999));
    p.finish();
    expect(c.text()).toBe('  ✗ create users/u999\n  applied 1000/1000 change(s), 1 failed\n');
  });

  it('updates one line in place on a terminal', () => {
    const c = capture(true);
    const p = applyProgress(100, c.io, c.out);
    p.done(change(1));
    p.finish();
    expect(c.text()).toBe('\r  applied 1/100 change(s)\r  applied 1/100 change(s)\n');
  });
});
