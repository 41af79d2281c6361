// Recipients' names as they registered them: the authorization server keeps each client as an
// OidcRecord `Client:<client_id>` whose payload is a JSON string with client_name.
import type { Models } from '../../../db/models/index.js';

export async function clientNames(
  models: Pick<Models, 'OidcRecord'>,
  clientIds: string[],
): Promise<Map<string, string>> {
  const unique = [...new Set(clientIds)];
  const records = await Promise.all(unique.map((id) => models.OidcRecord.findById(`Client:${id}`).lean()));
  const names = new Map<string, string>();
  records.forEach((record, i) => {
    if (!record) return;
    try {
      const name = (JSON.parse(record.payload) as { client_name?: unknown }).client_name;
      if (typeof name === 'string' && name.trim()) names.set(unique[i]!, name.trim());
    } catch {
      // a payload that is not JSON names nobody
    }
  });
  return names;
}
