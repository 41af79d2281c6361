// What every OFB data API shares: `x-v`, the interaction id, the consent token with the API's scope,
// permission checks (403), OFB paging (`page`, `page-size` ≤ 1000) and the `data/links/meta` envelope.
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { limited } from '../traffic.js';
import { interactionId } from '../interaction-id.js';
import { fetchInScope } from '../data-fetch.js';
import { consentOf, requireAccess, type AccessDeps } from '../security/access-token.js';
import type { DataFetcher, FetchOperation, FetchResult } from '../../../connectors/reads.js';
import { badRequest, ofbDateTime, ofbRefusal, sendOfbError } from './errors.js';

export interface OfbDataDeps {
  access: AccessDeps;
  fetchData: DataFetcher;
  baseUrl: string;
  /** The bank as OFB names it in account data. */
  bank: { brandName: string; cnpj: string; compeCode: string };
  /** The traffic limits, run once the caller is known (traffic.ts). */
  afterAccess?: RequestHandler;
}

/**
 * A router for one OFB API: its version header, interaction id and token scope. The token is
 * checked as the first handler of each of its routes (all GETs), not ahead of them for any path,
 * so a refused call is known by the endpoint it asked for, in its analytics event and metrics.
 */
export function ofbDataRouter(deps: OfbDataDeps, version: string, scope: string): Router {
  const router = Router();
  router.use((_req, res, next) => {
    res.setHeader('x-v', version);
    next();
  });
  router.use(
    interactionId({
      required: true,
      refuse: (_q, res, detail) => sendOfbError(res, 400, badRequest(detail)),
    }),
  );
  const access = limited(
    requireAccess(deps.access, { scope, grant: 'consent' }, ofbRefusal),
    deps.afterAccess,
  );
  const get = router.get.bind(router);
  router.get = ((path: string, ...handlers: RequestHandler[]) =>
    get(path, access, ...handlers)) as unknown as typeof router.get;
  return router;
}

export function requirePermission(...permissions: string[]) {
  return (_req: Request, res: Response, next: NextFunction) => {
    const granted = consentOf(res).permissions ?? [];
    const missing = permissions.filter((p) => !granted.includes(p));
    if (missing.length === 0) return next();
    sendOfbError(res, 403, {
      code: 'FORBIDDEN',
      title: 'Permissão ausente',
      detail: `the consent lacks ${missing.join(', ')}`,
    });
  };
}

interface Paging {
  page: number;
  pageSize: number;
}

/** `page` ≥ 1 and `page-size` 1–1000 (smaller than 25 counts as 25), or a 400 already sent. */
export function paging(req: Request, res: Response): Paging | undefined {
  const page = req.query.page === undefined ? 1 : Number(req.query.page);
  const size = req.query['page-size'] === undefined ? 25 : Number(req.query['page-size']);
  if (!Number.isInteger(page) || page < 1 || page > 2_147_483_647) {
    sendOfbError(res, 400, badRequest('page must be a whole number from 1'));
    return undefined;
  }
  if (!Number.isInteger(size) || size < 1 || size > 1000) {
    sendOfbError(res, 422, {
      code: 'PAGE_SIZE_INVALIDO',
      title: 'Tamanho de página inválido',
      detail: 'page-size must be 1 to 1000',
    });
    return undefined;
  }
  return { page, pageSize: Math.max(25, size) };
}

export const selfUrl = (deps: OfbDataDeps, req: Request) => `${deps.baseUrl}${req.originalUrl.split('?')[0]}`;

/** One page of a list the bank returned whole, with OFB links and totals. */
export function pagedEnvelope<T>(items: T[], p: Paging, self: string) {
  const totalPages = Math.max(1, Math.ceil(items.length / p.pageSize));
  const link = (page: number) => `${self}?page=${page}&page-size=${p.pageSize}`;
  return {
    data: items.slice((p.page - 1) * p.pageSize, p.page * p.pageSize),
    links: {
      self: link(p.page),
      ...(p.page > 1 ? { first: link(1), prev: link(p.page - 1) } : {}),
      ...(p.page < totalPages ? { next: link(p.page + 1), last: link(totalPages) } : {}),
    },
    meta: { totalRecords: items.length, totalPages, requestDateTime: ofbDateTime(new Date()) },
  };
}

export function envelope<T>(data: T, self: string) {
  return {
    data,
    links: { self },
    meta: { totalRecords: 1, totalPages: 1, requestDateTime: ofbDateTime(new Date()) },
  };
}

/** Run the fetch for the token's consent; a resource outside it is 404, an unavailable core 503. */
export function fetchOr404<K extends FetchResult['kind']>(
  deps: OfbDataDeps,
  res: Response,
  operation: FetchOperation,
  expected: K,
) {
  return fetchInScope(deps.fetchData, res, operation, expected, {
    notFound: (r) =>
      sendOfbError(r, 404, {
        code: 'NOT_FOUND',
        title: 'Recurso não encontrado',
        detail: 'no such resource under this consent',
      }),
    refused: (r, detail) => sendOfbError(r, 400, badRequest(detail)),
    unavailable: (r) =>
      sendOfbError(r, 503, {
        code: 'SERVICE_UNAVAILABLE',
        title: 'Serviço indisponível',
        detail: 'the bank system is unavailable; try again later',
      }),
  });
}

const DAY_MS = 86_400_000;
export const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** OFB's 422 for a period it cannot serve. */
export function invalidPeriod(res: Response, detail: string) {
  sendOfbError(res, 422, { code: 'DATA_INVALIDA', title: 'Período inválido', detail });
}
/** A real calendar day in YYYY-MM-DD (2026-02-30 is not). */
export const isDate = (v: unknown): v is string =>
  typeof v === 'string' &&
  /^\d{4}-\d{2}-\d{2}$/.test(v) &&
  new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);

/**
 * An OFB date-filter pair (`fromBookingDate`/`toBookingDate`, `fromTransactionDate`/…): both or
 * neither (then the last `defaultDaysBack` days to today), within `maxDaysBack` back and a year
 * ahead. `undefined` when the 400 or 422 was sent.
 */
export function dateRange(
  req: Request,
  res: Response,
  names: { from: string; to: string },
  maxDaysBack: number,
  defaultDaysBack: number,
): { from: string; to: string } | undefined {
  const from = req.query[names.from];
  const to = req.query[names.to];
  const today = isoDay(Date.now());
  if ((from === undefined) !== (to === undefined)) {
    sendOfbError(
      res,
      400,
      badRequest(`${names.from} and ${names.to} go together`, 'PARAMETRO_NAO_INFORMADO'),
    );
    return undefined;
  }
  if (from === undefined) return { from: isoDay(Date.now() - defaultDaysBack * DAY_MS), to: today };
  if (!isDate(from) || !isDate(to)) {
    sendOfbError(res, 400, badRequest(`${names.from} and ${names.to} must be dates, YYYY-MM-DD`));
    return undefined;
  }
  const now = Date.parse(today);
  if (from > to || Date.parse(from) < now - maxDaysBack * DAY_MS || Date.parse(to) > now + 365 * DAY_MS) {
    invalidPeriod(res, `from must not be after to, nor more than ${maxDaysBack} days back`);
    return undefined;
  }
  return { from, to };
}

/** The request's `pagination-key`: the bank's cursor of the page asked for. */
export const paginationKey = (req: Request) =>
  typeof req.query['pagination-key'] === 'string' ? req.query['pagination-key'] : undefined;

/**
 * A page of a list the bank pages by cursor. OFB carries that cursor as `pagination-key`; the
 * links repeat the request's filters (`query`).
 */
export function cursorEnvelope<T>(
  data: T[],
  p: Paging,
  self: string,
  query: Record<string, string>,
  page: { cursor?: string; nextCursor?: string },
) {
  const link = (extra: Record<string, string>) =>
    `${self}?${new URLSearchParams({ ...query, 'page-size': String(p.pageSize), ...extra })}`;
  return {
    data,
    links: {
      self: link({ page: String(p.page), ...(page.cursor ? { 'pagination-key': page.cursor } : {}) }),
      ...(p.page > 1 ? { first: link({ page: '1' }) } : {}),
      ...(page.nextCursor
        ? { next: link({ page: String(p.page + 1), 'pagination-key': page.nextCursor }) }
        : {}),
    },
    meta: { requestDateTime: ofbDateTime(new Date()) },
  };
}
