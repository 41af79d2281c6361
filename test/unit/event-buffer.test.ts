// The analytics buffer: bounded memory, batches, and nothing lost or thrown while the store is down.
import { describe, expect, it } from '@jest/globals';
import { EventBuffer } from '../../lib/analytics/event-buffer.js';

function store() {
  const written: number[][] = [];
  let down = false;
  return {
    written,
    setDown: (v: boolean) => (down = v),
    write: async (events: number[]) => {
      if (down) throw new Error('database unavailable');
      written.push([...events]);
    },
  };
}

describe('EventBuffer', () => {
  it('writes in batches of batchSize, in order', async () => {
    const s = store();
    const buffer = new EventBuffer<number>({
      capacity: 100,
      batchSize: 3,
      flushIntervalMs: 1000,
      write: s.write,
    });
    for (let i = 1; i <= 7; i++) buffer.record(i);
    await buffer.flush();
    expect(s.written).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(buffer.stats()).toMatchObject({ buffered: 0, written: 7, dropped: 0 });
  });

  it('flushes what arrives after a flush of an empty buffer', async () => {
    const s = store();
    const buffer = new EventBuffer<number>({
      capacity: 100,
      batchSize: 10,
      flushIntervalMs: 1000,
      write: s.write,
    });
    await buffer.flush();
    buffer.record(1);
    await buffer.flush();
    expect(s.written).toEqual([[1]]);
  });

  it('keeps events while the store is down, then writes them; drops and counts beyond capacity', async () => {
    const s = store();
    const errors: unknown[] = [];
    const buffer = new EventBuffer<number>({
      capacity: 5,
      batchSize: 2,
      flushIntervalMs: 1000,
      write: s.write,
      onError: (e) => errors.push(e),
    });
    s.setDown(true);
    // Recording never throws, whatever the store does.
    for (let i = 1; i <= 8; i++) expect(() => buffer.record(i)).not.toThrow();
    await buffer.flush();
    expect(buffer.stats()).toMatchObject({ buffered: 5, dropped: 3, written: 0 });
    expect(errors.length).toBeGreaterThan(0);

    s.setDown(false);
    await buffer.flush();
    expect(s.written.flat()).toEqual([1, 2, 3, 4, 5]);
    expect(buffer.stats()).toMatchObject({ buffered: 0, written: 5, dropped: 3 });
  });
});
