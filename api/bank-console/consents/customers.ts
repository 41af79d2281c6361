// Who a consent's customer is, for staff: the name the bank's identity provider knows them by
// (db/models/customer.ts; the consent keeps only the customer id once authorised) and their
// documents masked (lib/web/mask.ts): an OFB consent's CPF, and the CNPJ for a business; an FDX
// customer has no Brazilian document, so their id masked. Before authorisation an OFB consent
// names nobody but the CPF its recipient lodged. Read here, never from the consent workflow.
import type { Models } from '../../../db/models/index.js';
import { maskCnpj, maskCpf, maskId } from '../../../lib/web/mask.js';
import type { ConsentRecord } from './record.js';

export interface CustomerLabel {
  customerId?: string;
  name?: string;
  /** Masked, e.g. "CPF ***.982.247-**", "CNPJ **.222.333/0001-**", "id ***0001". */
  documents: string[];
}

type CustomerFields = { _id: string; name: string; cpf: string; cnpj?: string | null };

/** The customers of these consents, by customer id, in one query. */
export async function customerRecords(
  models: Pick<Models, 'Customer'>,
  consents: Pick<ConsentRecord, 'customerId'>[],
): Promise<Map<string, CustomerFields>> {
  const ids = [...new Set(consents.flatMap((c) => c.customerId ?? []))];
  if (!ids.length) return new Map();
  const found = await models.Customer.find({ _id: { $in: ids } }, { name: 1, cpf: 1, cnpj: 1 }).lean<
    CustomerFields[]
  >();
  return new Map(found.map((c) => [c._id, c]));
}

export function customerLabel(
  consent: Pick<ConsentRecord, 'standard' | 'customerId' | 'loggedUserDocument' | 'businessEntityDocument'>,
  customer: CustomerFields | undefined,
): CustomerLabel {
  const id = consent.customerId ?? undefined;
  if (consent.standard === 'FDX')
    return { customerId: id, name: customer?.name, documents: id ? [`id ${maskId(id)}`] : [] };
  const cpf = customer?.cpf ?? consent.loggedUserDocument;
  const cnpj = consent.businessEntityDocument ?? customer?.cnpj;
  return {
    customerId: id,
    name: customer?.name,
    documents: [
      ...(cnpj ? [`CNPJ ${maskCnpj(cnpj)}`] : []),
      ...(cpf ? [`CPF ${maskCpf(cpf)}`] : []),
      ...(!cpf && !cnpj && id ? [`id ${maskId(id)}`] : []),
    ],
  };
}

/** How a customer reads in a sentence or a cell: "Ana Souza, CPF ***.982.247-**". */
export const customerText = (c: CustomerLabel) => [c.name, ...c.documents].filter(Boolean).join(', ') || '—';
