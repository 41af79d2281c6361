// What the OFB and FDX journeys have in common, as the pages use them: start (the authorization
// URL to send the customer to), finish (the callback, checked, to a grant), read the data the
// consent allows, and revoke the consent.
import type { Standard } from './config.js';
import type { ApiCall } from './gateway.js';
import type { Grant, PendingAuthorization } from './sessions.js';

export interface Row {
  [column: string]: string;
}

/** The data read through the gateway, as rows for the pages, and every call made. */
export interface DataResult {
  standard: Standard;
  consentId: string;
  calls: ApiCall[];
  resources?: Row[];
  accounts: Row[];
  transactions?: Row[];
  statements?: Row[];
  /** Why a table is empty: the call that failed. */
  problem?: string;
}

export interface RevokeResult {
  consentId: string;
  revocation: ApiCall;
  /** The same data call again, with the same token, after the revocation. */
  after: ApiCall;
}

export interface Journey {
  standard: Standard;
  start(input: { cpf?: string }): Promise<{ url: URL; pending: PendingAuthorization }>;
  finish(callback: URL, pending: PendingAuthorization): Promise<Grant>;
  read(grant: Grant): Promise<DataResult>;
  revoke(grant: Grant): Promise<RevokeResult>;
}

/** A refusal to show the person as it is (the bank's answer, never a token). */
export class JourneyError extends Error {
  override name = 'JourneyError';
  constructor(
    message: string,
    readonly status = 502,
  ) {
    super(message);
  }
}

/** The bank's error body in one line: OFB `errors[]` or FDX `{code, message}`. */
export function describeRefusal(call: ApiCall): string {
  const body = call.body as
    | { errors?: { code?: string; title?: string; detail?: string }[]; code?: number; message?: string }
    | undefined;
  const detail = body?.errors?.length
    ? body.errors.map((e) => [e.code, e.detail ?? e.title].filter(Boolean).join(': ')).join('; ')
    : body?.message
      ? `${body.code ?? ''} ${body.message}`.trim()
      : '';
  return `${call.method} ${call.path} answered ${call.status}${detail ? ` (${detail})` : ''}`;
}
