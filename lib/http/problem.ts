// Errors of the platform's own JSON APIs (marketplace, admin) as RFC 9457 problem details.
// The OFB and FDX gateway routes use their standards' own error shapes instead.
import type { ErrorRequestHandler, Response } from 'express';
import type { ZodError } from 'zod';
import { clientError } from './client-errors.js';

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

/**
 * Last handler: an unreadable request (malformed JSON, a body too large or in an unknown charset
 * or encoding, a bad path) gets its 4xx; anything else a 500 without internals.
 */
export const problemErrorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  const client = clientError(err);
  if (client) return sendProblem(res, client.status, client.title, sentence(client.reason));
  req.log?.error({ err }, 'unhandled error');
  sendProblem(res, 500, 'Internal error', 'The request could not be completed. It is safe to retry.');
};

const sentence = (reason: string) => `${reason[0]!.toUpperCase()}${reason.slice(1)}.`;
