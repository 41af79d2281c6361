// A consent's two parties as staff read them: its recipient (recipients.ts) and its customer
// (customers.ts), for a whole page of consents in one query per collection.
import type { Models } from '../../../db/models/index.js';
import { customerLabel, customerRecords, type CustomerLabel } from './customers.js';
import { recipientDirectory, type Recipient, type RecipientModels } from './recipients.js';
import type { ConsentRecord } from './record.js';

export interface Parties {
  recipient: Recipient;
  customer: CustomerLabel;
}

export type PartyModels = RecipientModels & Pick<Models, 'Customer'>;

/** Each consent's parties, by consent id; pass one request's directory to share its answers. */
export async function partiesOf(
  models: PartyModels,
  consents: ConsentRecord[],
  recipients = recipientDirectory(models),
): Promise<Map<string, Parties>> {
  const [byClient, customers] = await Promise.all([
    recipients(consents.map((c) => c.clientId)),
    customerRecords(models, consents),
  ]);
  return new Map(
    consents.map((c) => [
      c._id,
      {
        recipient: byClient.get(c.clientId)!,
        customer: customerLabel(c, c.customerId ? customers.get(c.customerId) : undefined),
      },
    ]),
  );
}
