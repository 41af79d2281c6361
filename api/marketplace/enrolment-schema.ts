// The organization enrolment form, as the marketplace API accepts it.
import { z } from 'zod';
import { normalizeCnpj, normalizeEin } from '../../lib/validation/tax-id.js';

export const enrolmentSchema = z
  .object({
    legalName: z.string().trim().min(2).max(200),
    taxIdType: z.enum(['CNPJ', 'EIN']),
    taxId: z.string().trim().min(1).max(32),
    website: z.url({ protocol: /^https$/, error: 'must be an https URL' }).max(2048),
    logoUri: z
      .url({ protocol: /^https$/, error: 'must be an https URL' })
      .max(2048)
      .optional(),
    contacts: z
      .array(
        z.object({
          name: z.string().trim().min(1).max(200),
          email: z.email().max(254),
          role: z.enum(['business', 'technical', 'security']),
        }),
      )
      .min(1)
      .max(10),
    standards: z
      .array(z.enum(['OFB', 'FDX']))
      .min(1, { error: 'choose at least one standard' })
      .refine((s) => new Set(s).size === s.length, { error: 'must not repeat a standard' }),
  })
  .strict()
  .transform((e, ctx) => {
    const taxId = e.taxIdType === 'CNPJ' ? normalizeCnpj(e.taxId) : normalizeEin(e.taxId);
    if (!taxId) {
      ctx.addIssue({ code: 'custom', path: ['taxId'], message: `is not a valid ${e.taxIdType}` });
      return z.NEVER;
    }
    return { ...e, taxId };
  });

export type EnrolmentBody = z.infer<typeof enrolmentSchema>;
