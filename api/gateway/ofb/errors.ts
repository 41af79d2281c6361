// OFB error bodies: `{ errors: [{ code, title, detail }], meta: { requestDateTime } }`, with
// timestamps in the UTC, second-precision form every OFB schema's pattern asks for.
import type { Request, Response } from 'express';
import type { Refusal } from '../security/access-token.js';

export interface OfbError {
  code: string;
  title: string;
  detail: string;
}

/** `2021-05-21T08:30:00Z`: RFC 3339, UTC, no fraction (OFB patterns reject milliseconds). */
export function ofbDateTime(d: Date | string): string {
  return new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function sendOfbError(res: Response, status: number, errors: OfbError | OfbError[]): void {
  res
    .status(status)
    .type('application/json; charset=utf-8')
    .json({
      errors: Array.isArray(errors) ? errors : [errors],
      // The data APIs' error meta also carries totals (their files require them; consents allows them).
      meta: { totalRecords: 1, totalPages: 1, requestDateTime: ofbDateTime(new Date()) },
    });
}

const TITLES: Record<Refusal['status'], [string, string]> = {
  401: ['UNAUTHORIZED', 'Não autorizado'],
  403: ['FORBIDDEN', 'Acesso negado'],
  503: ['SERVICE_UNAVAILABLE', 'Serviço indisponível'],
};

export function ofbRefusal(_req: Request, res: Response, refusal: Refusal): void {
  const [code, title] = TITLES[refusal.status];
  sendOfbError(res, refusal.status, { code, title, detail: refusal.detail });
}

export const badRequest = (detail: string, code = 'PARAMETRO_INVALIDO'): OfbError => ({
  code,
  title: code === 'PARAMETRO_NAO_INFORMADO' ? 'Parâmetro não informado' : 'Parâmetro inválido',
  detail,
});
