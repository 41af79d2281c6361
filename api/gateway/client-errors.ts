// The gateway's answers to requests it cannot read (lib/http/client-errors.ts): in FDX's shape on
// FDX routes, in OFB's everywhere else, with the status the problem calls for.
import type { Server } from 'node:http';
import type { Request, Response } from 'express';
import { answerUnparsableRequests, type ClientError } from '../../lib/http/client-errors.js';
import { FDX_BASE } from './fdx/consents/routes.js';
import { echoInteractionId } from './interaction-id.js';
import { sendFdxError } from './fdx/errors.js';
import { badRequest, ofbDateTime, sendOfbError, type OfbError } from './ofb/errors.js';

const OFB_CODES: Record<number, Omit<OfbError, 'detail'>> = {
  413: { code: 'PAYLOAD_TOO_LARGE', title: 'Payload muito grande' },
  415: { code: 'UNSUPPORTED_MEDIA_TYPE', title: 'Formato não suportado' },
  431: { code: 'REQUEST_HEADER_FIELDS_TOO_LARGE', title: 'Cabeçalhos muito grandes' },
};

function ofbBody(error: ClientError): OfbError {
  const known = OFB_CODES[error.status];
  return known ? { ...known, detail: error.reason } : badRequest(error.reason);
}

/** FDX has one code for input it cannot take: 401 Invalid Input. */
const FDX_INVALID_INPUT = 401;

export function sendClientError(req: Request, res: Response, error: ClientError, fdx: boolean): void {
  echoInteractionId(req, res);
  if (fdx) sendFdxError(res, error.status, FDX_INVALID_INPUT, 'Invalid Input', error.reason);
  else sendOfbError(res, error.status, ofbBody(error));
}

/**
 * Requests Node refuses before the app (headers over 16 kB…) answered with a body: FDX's when the
 * request line names an FDX route, OFB's otherwise.
 */
export function answerGatewayUnparsable(server: Server): void {
  answerUnparsableRequests(server, (error, path) => ({
    type: 'application/json; charset=utf-8',
    body: JSON.stringify(
      path?.startsWith(FDX_BASE)
        ? { code: FDX_INVALID_INPUT, message: 'Invalid Input', debugMessage: error.reason }
        : {
            errors: [ofbBody(error)],
            meta: { totalRecords: 1, totalPages: 1, requestDateTime: ofbDateTime(new Date()) },
          },
    ),
  }));
}
