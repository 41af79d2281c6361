// FDX error bodies: `{ code, message, debugMessage }`, code as a JSON number (what Akoya, Plaid and
// Mastercard send and clients compare against).
import type { Request, Response } from 'express';
import type { Refusal } from '../security/access-token.js';

export function sendFdxError(
  res: Response,
  status: number,
  code: number,
  message: string,
  debugMessage?: string,
) {
  res.status(status).json({ code, message, ...(debugMessage ? { debugMessage } : {}) });
}

export function fdxRefusal(_req: Request, res: Response, refusal: Refusal): void {
  if (refusal.status === 403) return sendFdxError(res, 403, 403, 'Forbidden', refusal.detail);
  if (refusal.status === 503) return sendFdxError(res, 503, 501, 'Subsystem unavailable', refusal.detail);
  sendFdxError(res, 401, 1205, 'Unauthorized', refusal.detail);
}

export const invalidInput = (res: Response, debugMessage: string) =>
  sendFdxError(res, 400, 401, 'Invalid Input', debugMessage);
