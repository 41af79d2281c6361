// Query strings of the server-rendered rooms: building one for a link, and a refused one as
// problem details (lib/http/problem.ts), one entry per field.
import type { z } from 'zod';
import type { FieldError } from '../http/problem.js';

export function queryString(
  filters: Record<string, string | undefined>,
  over: Record<string, string | number> = {},
) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...filters, ...over })) if (v !== undefined) params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** A refused query as problem details: one entry per field, and a sentence naming them all. */
export function queryErrors(issues: z.core.$ZodIssue[]): { detail: string; errors: FieldError[] } {
  const errors = issues.map((i) => ({
    field: String(i.path[0] ?? '(query)'),
    message: `must be ${i.message}`,
  }));
  return { detail: errors.map((e) => `${e.field} ${e.message}`).join('; '), errors };
}
