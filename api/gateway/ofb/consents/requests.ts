// The bodies of `POST /consents` and `POST /consents/{consentId}/extends`, checked as the 3.3.1
// schemas write them (CreateConsent, CreateConsentExtensions), plus the CPF/CNPJ check digits.
import { z } from 'zod';
import { normalizeCnpj, normalizeCpf } from '../../../../lib/validation/tax-id.js';
import { KNOWN_PERMISSIONS } from './permissions.js';

const DATE_TIME =
  /^(\d{4})-(1[0-2]|0?[1-9])-(3[01]|[12][0-9]|0?[1-9])T(?:[01]\d|2[0123]):(?:[012345]\d):(?:[012345]\d)Z$/;

const loggedUser = z.object({
  document: z.object({
    identification: z
      .string()
      .regex(/^\d{11}$/, { error: 'must be 11 digits' })
      .refine((v) => normalizeCpf(v) !== undefined, { error: 'is not a valid CPF' }),
    rel: z.literal('CPF', { error: 'must be CPF' }),
  }),
});

const businessEntity = z.object({
  document: z.object({
    identification: z
      .string()
      .regex(/^[0-9A-Z]{12}[0-9]{2}$/, { error: 'must be a 14-character CNPJ' })
      .refine((v) => normalizeCnpj(v) !== undefined, { error: 'is not a valid CNPJ' }),
    rel: z.literal('CNPJ', { error: 'must be CNPJ' }),
  }),
});

const expirationDateTime = z
  .string()
  .max(20)
  .regex(DATE_TIME, { error: 'must be a UTC date-time without fraction, e.g. 2027-05-21T08:30:00Z' });

export const createConsentBody = z.object({
  data: z.object({
    loggedUser,
    businessEntity: businessEntity.optional(),
    permissions: z
      .array(z.string())
      .min(1, { error: 'must list at least one permission' })
      .refine((ps) => ps.every((p) => KNOWN_PERMISSIONS.has(p)), { error: 'has an unknown permission' })
      .refine((ps) => new Set(ps).size === ps.length, { error: 'must not repeat a permission' }),
    expirationDateTime: expirationDateTime.optional(),
    isLinked: z.boolean().optional(),
  }),
});

export const extendConsentBody = z.object({
  data: z.object({
    loggedUser,
    businessEntity: businessEntity.optional(),
    expirationDateTime: expirationDateTime.optional(),
  }),
});

/** One line per problem, naming the field: `data.permissions: has an unknown permission`. */
export function describeIssues(error: z.ZodError): { missing: boolean; detail: string } {
  const missing = error.issues.some((i) => i.code === 'invalid_type' && i.input === undefined);
  const detail = error.issues
    .map(
      (i) =>
        `${i.path.join('.') || 'body'}: ${i.code === 'invalid_type' && i.input === undefined ? 'is required' : i.message}`,
    )
    .join('; ');
  return { missing, detail };
}
