// Who is calling: the client certificate, the access token (introspected), and the binding of one
// to the other (RFC 8705 `cnf.x5t#S256`). Each refusal names its cause; each standard's routes
// turn it into their own error body.
import { createHash, type X509Certificate } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { presentedCertificate, type ClientCertificateSource } from '../../../lib/http/client-certificate.js';
import type { Consent } from '../../../db/models/consent.js';
import { dataAccessRefusal } from '../../../workflows/consent-rules.js';
import type { MarketplaceClient } from './consent-state.js';
import { IntrospectionUnavailable, type Introspect, type TokenInfo } from './introspection.js';

export type Refusal =
  | { status: 401; cause: 'certificate' | 'token' | 'binding'; detail: string }
  | { status: 403; cause: 'scope'; detail: string }
  | { status: 503; cause: 'unavailable'; detail: string };

export interface AccessDeps {
  introspect: Introspect;
  certificates: ClientCertificateSource;
  /** The gateway's resource indicator: the audience every token must name. */
  audience: string;
  /**
   * The consent's current state, checked on every call (at most the state cache's bound old,
   * state-cache.ts): a consent's end stops its tokens within that bound.
   */
  consentState: (consentId: string) => Promise<ConsentRecord | undefined>;
  /** Drops a consent's cached state: the gateway's own transitions call it once they answered. */
  forgetConsent?: (consentId: string) => void;
  /**
   * The state of a marketplace client, checked on every call like the consent's: a client the bank
   * or its developer suspended stops within the same bound, not when its tokens expire. Undefined
   * for other clients.
   */
  clientState?: (clientId: string) => Promise<MarketplaceClient | undefined>;
}

export type ConsentRecord = Consent & { _id: string };

/** What a route needs of the token: a scope, and whether it must act under a consent. */
interface AccessRule {
  /** Absent: any scope (FDX consent API: the recipient's client-credentials token). */
  scope?: string;
  grant: 'client_credentials' | 'consent' | 'either';
}

type RefusalWriter = (req: Request, res: Response, refusal: Refusal) => void;

/** What the check learned of the caller, refused or not (res.locals.caller): for the call's analytics. */
export interface Caller {
  certificate?: X509Certificate;
  token?: TokenInfo;
  client?: MarketplaceClient;
}

export function tokenOf(res: Response): TokenInfo {
  return res.locals.token as TokenInfo;
}

/** The authorised consent the token acts under (routes with `grant: 'consent'`). */
export function consentOf(res: Response): ConsentRecord {
  return res.locals.consent as ConsentRecord;
}

export function thumbprint(raw: Buffer): string {
  return createHash('sha256').update(raw).digest('base64url');
}

async function checkAccess(
  deps: AccessDeps,
  req: Request,
  rule: AccessRule,
  caller: Caller = {},
): Promise<{ token: TokenInfo; consent?: ConsentRecord; client?: MarketplaceClient } | { refusal: Refusal }> {
  const presented = presentedCertificate(req.socket, req.headers, deps.certificates);
  if (presented?.authorized) caller.certificate = presented.certificate;
  if (!presented?.authorized)
    return {
      refusal: {
        status: 401,
        cause: 'certificate',
        detail: 'a client certificate from a trusted CA is required',
      },
    };
  const header = req.headers.authorization ?? '';
  const match = /^Bearer ([\x21-\x7e]+)$/i.exec(header);
  if (!match)
    return { refusal: { status: 401, cause: 'token', detail: 'a Bearer access token is required' } };
  let token: TokenInfo | undefined;
  try {
    token = await deps.introspect(match[1]!);
  } catch (err) {
    if (err instanceof IntrospectionUnavailable)
      return {
        refusal: { status: 503, cause: 'unavailable', detail: 'the authorization server is unavailable' },
      };
    throw err;
  }
  if (token) caller.token = token;
  if (!token || !token.audience.includes(deps.audience))
    return { refusal: { status: 401, cause: 'token', detail: 'the access token is not active' } };
  if (!token.certificateThumbprint || token.certificateThumbprint !== thumbprint(presented.certificate.raw))
    return {
      refusal: { status: 401, cause: 'binding', detail: 'the access token is bound to another certificate' },
    };
  const client = deps.clientState ? await deps.clientState(token.clientId) : undefined;
  if (client) caller.client = client;
  if (client && client.status !== 'ACTIVE')
    return {
      refusal: { status: 401, cause: 'token', detail: `the client is ${client.status.toLowerCase()}` },
    };
  if (rule.scope && !token.scopes.includes(rule.scope))
    return {
      refusal: { status: 403, cause: 'scope', detail: `the access token lacks the ${rule.scope} scope` },
    };
  if (rule.grant === 'client_credentials' && token.consentId)
    return {
      refusal: { status: 403, cause: 'scope', detail: 'a client_credentials access token is required' },
    };
  let consent: ConsentRecord | undefined;
  if (token.consentId) {
    consent = await deps.consentState(token.consentId);
    const refused = dataAccessRefusal(consent);
    if (refused === 'not-authorised')
      return {
        refusal: { status: 401, cause: 'token', detail: 'the consent of this token is not authorised' },
      };
    if (refused === 'on-hold')
      return { refusal: { status: 403, cause: 'scope', detail: 'the bank has put this consent on hold' } };
  }
  if (rule.grant === 'consent' && !token.consentId)
    return {
      refusal: {
        status: 403,
        cause: 'scope',
        detail: "an access token of the customer's consent is required",
      },
    };
  return { token, ...(consent ? { consent } : {}), ...(client ? { client } : {}) };
}

/** Express middleware: checks access, then leaves the token in res.locals.token (and what it learned of the caller, refused or not, in res.locals.caller). */
export function requireAccess(deps: AccessDeps, rule: AccessRule, refuse: RefusalWriter) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const caller: Caller = {};
    res.locals.caller = caller;
    const result = await checkAccess(deps, req, rule, caller);
    if ('refusal' in result) return refuse(req, res, result.refusal);
    res.locals.token = result.token;
    res.locals.consent = result.consent;
    res.locals.client = result.client;
    next();
  };
}
