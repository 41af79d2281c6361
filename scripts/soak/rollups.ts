// The analytics roll-ups that ran during the soak, from Temporal: how many, how they ended (a
// TIMED_OUT or FAILED run is the roll-up hanging), and the longest.
import { Client, Connection } from '@temporalio/client';
import type { RollupRuns } from './report.js';

/** The `analyticsRollup` runs Temporal knows of, by status, and the longest one. */
export async function rollupRuns(address: string): Promise<RollupRuns> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 10_000 });
    const client = new Client({ connection });
    const byStatus: Record<string, number> = {};
    let longest = 0;
    for await (const w of client.workflow.list({ query: "WorkflowType = 'analyticsRollup'" })) {
      const status = w.status.name;
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      const end = w.closeTime ?? new Date();
      longest = Math.max(longest, (end.getTime() - w.startTime.getTime()) / 1000);
    }
    return { byStatus, longestSeconds: Math.round(longest * 10) / 10 };
  } catch (err) {
    return { byStatus: {}, longestSeconds: 0, error: err instanceof Error ? err.message : String(err) };
  } finally {
    await connection?.close().catch(() => undefined);
  }
}
