// OFB customers 2.2.1 (`/open-banking/customers/v2`): the consent's customer's registration data —
// identification, qualification and relationship with the bank — for a natural person
// (`/personal/*`) or a company (`/business/*`), read from the bank through `fetchData`.
// The other kind's endpoints answer 404: the file requires at least one identification, and an
// object for the rest, so there is no empty answer to give.
import type { Response } from 'express';
import type { Customer, PersonType } from '../../../../connectors/sdk/model.js';
import { sendOfbError } from '../errors.js';
import {
  envelope,
  fetchOr404,
  ofbDataRouter,
  pagedEnvelope,
  paging,
  requirePermission,
  selfUrl,
  type OfbDataDeps,
} from '../data-api.js';
import {
  businessFinancialRelation,
  businessIdentification,
  businessQualification,
  personalFinancialRelation,
  personalIdentification,
  personalQualification,
} from './mappers.js';

export const CUSTOMERS_BASE = '/open-banking/customers/v2';
const CUSTOMERS_VERSION = '2.2.1';

export function ofbCustomersRouter(deps: OfbDataDeps) {
  const router = ofbDataRouter(deps, CUSTOMERS_VERSION, 'customers');
  const bank = { brandName: deps.bank.brandName, cnpj: deps.bank.cnpj };

  /** The consent's customer when it is a person of this kind, or a 404 already sent. */
  async function customer(res: Response, kind: PersonType): Promise<Customer | undefined> {
    const result = await fetchOr404(deps, res, { kind: 'customer' }, 'customer');
    if (!result) return undefined;
    if (result.customer?.personType === kind) return result.customer;
    sendOfbError(res, 404, {
      code: 'NOT_FOUND',
      title: 'Cliente não encontrado',
      detail: `the customer of this consent is not a ${kind === 'PERSONAL' ? 'natural person' : 'company'}`,
    });
    return undefined;
  }

  /** The consented deposit accounts (none when the consent shares no account). */
  const accounts = async (res: Response) =>
    (await fetchOr404(deps, res, { kind: 'accounts' }, 'accounts'))?.accounts;

  router.get(
    '/personal/identifications',
    requirePermission('CUSTOMERS_PERSONAL_IDENTIFICATIONS_READ'),
    async (req, res) => {
      const p = paging(req, res);
      if (!p) return;
      const c = await customer(res, 'PERSONAL');
      if (c) res.json(pagedEnvelope([personalIdentification(c, bank)], p, selfUrl(deps, req)));
    },
  );

  router.get(
    '/personal/qualifications',
    requirePermission('CUSTOMERS_PERSONAL_ADITTIONALINFO_READ'),
    async (req, res) => {
      const c = await customer(res, 'PERSONAL');
      if (c) res.json(envelope(personalQualification(c, bank), selfUrl(deps, req)));
    },
  );

  router.get(
    '/personal/financial-relations',
    requirePermission('CUSTOMERS_PERSONAL_ADITTIONALINFO_READ'),
    async (req, res) => {
      const c = await customer(res, 'PERSONAL');
      if (!c) return;
      const shared = await accounts(res);
      if (shared) res.json(envelope(personalFinancialRelation(c, shared), selfUrl(deps, req)));
    },
  );

  router.get(
    '/business/identifications',
    requirePermission('CUSTOMERS_BUSINESS_IDENTIFICATIONS_READ'),
    async (req, res) => {
      const p = paging(req, res);
      if (!p) return;
      const c = await customer(res, 'BUSINESS');
      if (c) res.json(pagedEnvelope([businessIdentification(c, bank)], p, selfUrl(deps, req)));
    },
  );

  router.get(
    '/business/qualifications',
    requirePermission('CUSTOMERS_BUSINESS_ADITTIONALINFO_READ'),
    async (req, res) => {
      const c = await customer(res, 'BUSINESS');
      if (c) res.json(envelope(businessQualification(c), selfUrl(deps, req)));
    },
  );

  router.get(
    '/business/financial-relations',
    requirePermission('CUSTOMERS_BUSINESS_ADITTIONALINFO_READ'),
    async (req, res) => {
      const c = await customer(res, 'BUSINESS');
      if (!c) return;
      const shared = await accounts(res);
      if (shared) res.json(envelope(businessFinancialRelation(c, shared), selfUrl(deps, req)));
    },
  );

  return router;
}
