// The figures a chaos run prints at the end, one row per fault: requests in the fault window and
// how many failed, the slowest answer, hangs, and how long until the service was back.
export interface FigureRow {
  scenario: string;
  load: string;
  requests: number;
  failed: number;
  /** Failures by status, e.g. `502×3 503×1`. */
  statuses: string;
  hangs: number;
  slowestMs: number;
  /** How long the fault lasted (kill to the process back, or the cut), seconds. */
  faultS: number;
  /** From the fault's end to the last failed answer (0: none failed after it), or to the record right. */
  recoveryS: number;
  note?: string;
}

export class Figures {
  readonly rows: FigureRow[] = [];

  add(row: FigureRow): void {
    this.rows.push(row);
  }

  table(): string {
    const head = [
      'scenario',
      'load',
      'requests',
      'failed',
      'by status',
      'hangs',
      'slowest ms',
      'fault s',
      'back after s',
      'note',
    ];
    const body = this.rows.map((r) => [
      r.scenario,
      r.load,
      String(r.requests),
      String(r.failed),
      r.statuses || '-',
      String(r.hangs),
      String(r.slowestMs),
      r.faultS.toFixed(1),
      r.recoveryS.toFixed(1),
      r.note ?? '',
    ]);
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
    const line = (cells: string[]) =>
      cells
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd();
    return ['', 'Chaos figures', line(head), ...body.map(line), ''].join('\n');
  }
}

export const byStatus = (statuses: Record<string, number>) =>
  Object.entries(statuses)
    .map(([s, n]) => `${s}×${n}`)
    .join(' ');
