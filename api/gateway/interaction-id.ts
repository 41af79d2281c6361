// `x-fapi-interaction-id`: the recipient's correlation id, echoed on every response. Where the
// standard requires it (OFB), a missing or malformed one is refused — with a fresh id to correlate
// the refusal by.
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const INTERACTION_ID = 'x-fapi-interaction-id';

export function interactionId(opts: {
  required: boolean;
  refuse: (req: Request, res: Response, detail: string) => void;
}) {
  return (req: Request, res: Response, next: NextFunction) => {
    const given = req.headers[INTERACTION_ID];
    if (typeof given === 'string' && UUID.test(given)) {
      res.setHeader(INTERACTION_ID, given);
      return next();
    }
    res.setHeader(INTERACTION_ID, randomUUID());
    if (opts.required || given !== undefined)
      return opts.refuse(req, res, `${INTERACTION_ID} must be an RFC 4122 UUID`);
    next();
  };
}

/**
 * Make sure an answer carries an interaction id (an error written before the middleware ran): the
 * caller's own when it is well-formed, a fresh one otherwise.
 */
export function echoInteractionId(req: Request, res: Response): void {
  if (res.getHeader(INTERACTION_ID) !== undefined) return;
  const given = req.headers[INTERACTION_ID];
  res.setHeader(INTERACTION_ID, typeof given === 'string' && UUID.test(given) ? given : randomUUID());
}
