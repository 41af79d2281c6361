// The throttling of log-in guesses without a database: the windows' growth, the audit line's
// contents, and the per-key queue that stands in for the atomicity FerretDB v1 lacks.
import { describe, expect, it } from '@jest/globals';
import { auditWindow, THROTTLE, throttleWindowMs } from '../../auth/idp/throttle.js';
import { oneAtATime } from '../../lib/one-at-a-time.js';

describe('throttling windows', () => {
  it('leave the first five attempts free, then double from 1 s up to 15 minutes', () => {
    expect([1, 2, 3, 4, 5].map(throttleWindowMs)).toEqual([0, 0, 0, 0, 0]);
    expect([6, 7, 8, 9, 10].map(throttleWindowMs)).toEqual([1000, 2000, 4000, 8000, 16_000]);
    expect(throttleWindowMs(16)).toBe(THROTTLE.maxWindowMs);
    expect(throttleWindowMs(10_000)).toBe(THROTTLE.maxWindowMs);
  });

  it('are audited with a digest of the account, never its id or address', () => {
    const lines: { fields: Record<string, unknown>; message: string }[] = [];
    const log = { warn: (fields: object, message: string) => lines.push({ fields: { ...fields }, message }) };
    const until = new Date('2026-12-07T10:15:00Z');
    auditWindow(log, 'staff', { accountId: 'ana.silva@bank.example', attempts: 9, until });
    expect(lines).toEqual([
      {
        message: 'log-in attempts throttled',
        fields: {
          audit: 'login.throttled',
          account: 'staff',
          accountRef: expect.stringMatching(/^[0-9a-f]{16}$/),
          attempts: 9,
          until: '2026-12-07T10:15:00.000Z',
        },
      },
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/ana|silva|bank\.example/);
  });
});

describe('one task at a time per key', () => {
  it('runs one key’s tasks in order, others alongside, and goes on after a failure', async () => {
    const serially = oneAtATime();
    const events: string[] = [];
    const task =
      (name: string, ms: number, fail = false) =>
      async () => {
        events.push(`${name} start`);
        await new Promise((r) => setTimeout(r, ms));
        events.push(`${name} end`);
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([
      serially('a', task('a1', 30, true)),
      serially('a', task('a2', 1)),
      serially('b', task('b1', 1)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(events.indexOf('a2 start')).toBeGreaterThan(events.indexOf('a1 end'));
    expect(events.indexOf('b1 end')).toBeLessThan(events.indexOf('a1 end'));
  });
});
