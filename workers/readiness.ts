// The worker process's /readyz checks: a real read of its database (not a ping, which a wedged
// server still answers) and every worker polling its task queue.
import type { Connection } from 'mongoose';
import { checkDatabaseReads } from '../lib/mongo/connection.js';
import type { ReadinessCheck } from '../lib/http/health.js';

export interface PollingWorker {
  getState(): string;
  options: { taskQueue: string };
}

export function workerReadiness(connection: Connection, workers: PollingWorker[]): ReadinessCheck[] {
  return [
    { name: 'database', check: () => checkDatabaseReads(connection) },
    {
      name: 'workers',
      check: () => {
        const notRunning = workers.filter((w) => w.getState() !== 'RUNNING');
        if (notRunning.length)
          throw new Error(`${notRunning.map((w) => w.options.taskQueue).join(', ')} not running`);
      },
    },
  ];
}
