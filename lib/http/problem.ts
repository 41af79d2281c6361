// Errors of the platform's own JSON APIs (marketplace, admin) as RFC 9457 problem details.
// The OFB and FDX gateway routes use their standards' own error shapes instead.
import type { ErrorRequestHandler, Response } from 'express';
import type { ZodError } from 'zod';

export interface FieldError {
  field: string;
  message: string;
}

export function sendProblem(
  res: Response,
  status: number,
  title: string,
  detail?: string,
  errors?: FieldError[],
): void {
  res
    .status(status)
    .type('application/problem+json')
    .json({
      type: 'about:blank',
      title,
      status,
      ...(detail ? { detail } : {}),
      ...(errors ? { errors } : {}),
    });
}

export function fieldErrors(err: ZodError): FieldError[] {
  return err.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
}

/** Last handler: malformed JSON and oversized bodies get a 4xx; anything else a 500 without internals. */
export const problemErrorHandler: ErrorRequestHandler = (
  err: { status?: number; type?: string; expose?: boolean; message?: string },
  req,
  res,
  _next,
) => {
  if (err.type === 'entity.parse.failed')
    return sendProblem(res, 400, 'Malformed JSON', 'The request body is not valid JSON.');
  if (err.type === 'entity.too.large') return sendProblem(res, 413, 'Request body too large');
  // The router could not decode a path parameter (e.g. `%E0%A4%A`).
  if (err instanceof URIError)
    return sendProblem(res, 400, 'Malformed URL', 'The path is not valid percent-encoding.');
  if (err.status && err.status >= 400 && err.status < 500 && err.expose)
    return sendProblem(res, err.status, err.message ?? 'Bad request');
  req.log?.error({ err }, 'unhandled error');
  sendProblem(res, 500, 'Internal error', 'The request could not be completed. It is safe to retry.');
};
