// A bounded, batching buffer for analytics events. Recording never waits and never throws: events
// are written in batches in the background; while the store is down they wait in the buffer, and
// once it is full new events are dropped and counted, so a request is never slowed or failed.
export interface EventBufferOptions<T> {
  /** The most events held in memory. */
  capacity: number;
  batchSize: number;
  flushIntervalMs: number;
  write: (events: T[]) => Promise<void>;
  onError?: (err: unknown) => void;
}

export class EventBuffer<T> {
  private queue: T[] = [];
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  dropped = 0;
  written = 0;
  failedWrites = 0;

  constructor(private readonly o: EventBufferOptions<T>) {}

  record(event: T): void {
    if (this.queue.length >= this.o.capacity) {
      this.dropped++;
      return;
    }
    this.queue.push(event);
    if (this.queue.length >= this.o.batchSize) void this.flush();
  }

  /** Write what is buffered, a batch at a time; a failed batch stays for the next flush. */
  flush(): Promise<void> {
    // One drain at a time; `finally` runs after the assignment, even when there is nothing to write.
    this.flushing ??= this.drain().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, this.o.batchSize);
      try {
        await this.o.write(batch);
      } catch (err) {
        this.failedWrites++;
        this.o.onError?.(err);
        return;
      }
      this.queue.splice(0, batch.length);
      this.written += batch.length;
    }
  }

  start(): this {
    this.timer = setInterval(() => void this.flush(), this.o.flushIntervalMs);
    this.timer.unref();
    return this;
  }

  /** Stop the timer and try one last flush. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  stats() {
    return {
      buffered: this.queue.length,
      written: this.written,
      dropped: this.dropped,
      failedWrites: this.failedWrites,
    };
  }
}
