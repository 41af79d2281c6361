// The customer's identity claims of the Open Finance Brasil security profile (5.2.2-4/-5, 5.2.2.2-3):
// `cpf` and, for a business customer, `cnpj` (a set of CNPJs), released to a recipient that asks for
// them through the claims parameter, from the bank's customer record. The subject stays the bank's
// customer id; the claims are personal data, so they never leave through the front channel in
// clear (the id_token of a `code id_token` response reaches the browser) and never reach a log.
import type { Account, ClaimsParameter, ClaimsParameterMember, KoaContextWithOIDC } from 'oidc-provider';
import type { Models } from '../db/models/index.js';

/** The claims the AS releases (`claims_supported`), by the scope that carries them. */
export const CLAIMS = {
  // OFB 5.2.2-14: the id_token always carries `acr`, asked for or not.
  openid: ['sub', 'acr'],
  acr: null,
  auth_time: null,
  sid: null,
  iss: null,
  // Standalone: released only when the claims parameter names them.
  cpf: null,
  cnpj: null,
} as const;

interface IdentityOf {
  cpf: string;
  cnpj?: string | null | undefined;
}

/** The identity claims of a customer: `cnpj` only for a customer acting for a company. */
const identityClaims = (c: IdentityOf) => ({ cpf: c.cpf, ...(c.cnpj ? { cnpj: [c.cnpj] } : {}) });

/**
 * Whether personal claims may go into what is being issued: the token endpoint's id_token and the
 * userinfo answer go to the client itself; an id_token from the authorization endpoint goes through
 * the customer's browser, so only encrypted (OFB 5.2.2.1-1/3).
 */
function releasable(ctx: KoaContextWithOIDC, use: string): boolean {
  if (use === 'userinfo' || ctx.oidc.route === 'token') return true;
  return !!ctx.oidc.client?.idTokenEncryptedResponseAlg;
}

/** oidc-provider's account lookup: the customer by id, with the claims it may release. */
export function customerAccounts(Customer: Models['Customer']) {
  return async (ctx: KoaContextWithOIDC, sub: string): Promise<Account | undefined> => {
    const customer = await Customer.findById(sub, { cpf: 1, cnpj: 1 }).lean();
    if (!customer) return undefined;
    return {
      accountId: sub,
      claims: (use) => ({ sub, ...(releasable(ctx, use) ? identityClaims(customer) : {}) }),
    };
  };
}

const essential = (member: null | ClaimsParameterMember | undefined): member is ClaimsParameterMember =>
  !!member && member.essential === true;

/** The values an essential claim request asks for (`value` or `values`), if it names any. */
function askedValues(member: ClaimsParameterMember): string[] | undefined {
  if (typeof member.value === 'string') return [member.value];
  if (Array.isArray(member.values)) return member.values.map(String);
  return undefined;
}

/**
 * The identity claim that the logged-in customer cannot satisfy, if any: an essential `cpf` whose
 * requested value is another person's, an essential `cnpj` whose requested value is not the
 * customer's company, or an essential `cnpj` of a customer without one. OFB treats each as a failed
 * authentication. `claims` is the request's claims parameter, as oidc-provider keeps it (JSON).
 */
export function unmetIdentityClaim(claims: unknown, customer: IdentityOf): 'cpf' | 'cnpj' | undefined {
  let parsed: ClaimsParameter;
  try {
    parsed = typeof claims === 'string' ? (JSON.parse(claims) as ClaimsParameter) : {};
  } catch {
    return undefined; // oidc-provider refused a malformed claims parameter before any login
  }
  const held = identityClaims(customer);
  for (const member of [parsed.id_token, parsed.userinfo]) {
    const cpf = member?.cpf;
    if (essential(cpf) && askedValues(cpf)?.every((v) => v !== held.cpf)) return 'cpf';
    const cnpj = member?.cnpj;
    if (!essential(cnpj)) continue;
    if (!held.cnpj) return 'cnpj';
    if (askedValues(cnpj)?.every((v) => !held.cnpj!.includes(v))) return 'cnpj';
  }
  return undefined;
}
