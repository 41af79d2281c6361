// Who a client id is, for people: the legal name of the marketplace organization behind its
// application (db/models/application.ts → organization.ts); for a client registered outside the
// marketplace (DCR with a software statement) the client_name it registered at the authorization
// server, kept as an OidcRecord `Client:<client_id>` whose payload is a JSON string; else the id.
// One query per collection for all the ids asked, whatever their number.
import { applicationIdOfClient } from '../../../db/models/application.js';
import type { Models } from '../../../db/models/index.js';

export type RecipientModels = Pick<Models, 'OidcRecord' | 'Application' | 'Organization'>;

export interface Recipient {
  clientId: string;
  /** What to call it: the organization's legal name, the registered client name, or the id. */
  name: string;
  organization?: { id: string; legalName: string };
  application?: { id: string; name: string };
}

/** The names recipients registered for their clients, by client id. */
export async function clientNames(
  models: Pick<Models, 'OidcRecord'>,
  clientIds: string[],
): Promise<Map<string, string>> {
  const unique = [...new Set(clientIds)];
  const names = new Map<string, string>();
  if (!unique.length) return names;
  const records = await models.OidcRecord.find(
    { _id: { $in: unique.map((id) => `Client:${id}`) } },
    { payload: 1 },
  ).lean();
  for (const record of records) {
    try {
      const name = (JSON.parse(record.payload) as { client_name?: unknown }).client_name;
      if (typeof name === 'string' && name.trim()) names.set(record._id.slice('Client:'.length), name.trim());
    } catch {
      // a payload that is not JSON names nobody
    }
  }
  return names;
}

/** Every client id's recipient, in three queries at most (applications, organizations, clients). */
export async function recipientsOf(
  models: RecipientModels,
  clientIds: string[],
): Promise<Map<string, Recipient>> {
  const unique = [...new Set(clientIds)];
  const appIds = unique.flatMap((id) => applicationIdOfClient(id) ?? []);
  const apps = appIds.length
    ? await models.Application.find({ _id: { $in: appIds } }, { name: 1, organizationId: 1 }).lean()
    : [];
  const orgIds = [...new Set(apps.map((a) => a.organizationId))];
  const [orgs, registered] = await Promise.all([
    orgIds.length
      ? models.Organization.find({ _id: { $in: orgIds } }, { legalName: 1 }).lean()
      : Promise.resolve([]),
    clientNames(
      models,
      unique.filter((id) => !apps.some((a) => a._id === applicationIdOfClient(id))),
    ),
  ]);
  const appById = new Map(apps.map((a) => [a._id, a]));
  const legalNames = new Map(orgs.map((o) => [o._id, o.legalName]));
  return new Map(
    unique.map((clientId): [string, Recipient] => {
      const app = appById.get(applicationIdOfClient(clientId) ?? '');
      const legalName = app && legalNames.get(app.organizationId);
      return [
        clientId,
        {
          clientId,
          name: legalName ?? registered.get(clientId) ?? clientId,
          ...(app && legalName ? { organization: { id: app.organizationId, legalName } } : {}),
          ...(app ? { application: { id: app._id, name: app.name } } : {}),
        },
      ];
    }),
  );
}

export type RecipientDirectory = (clientIds: string[]) => Promise<Map<string, Recipient>>;

/** A lookup that remembers what it found: made per request, so a page asks each id once. */
export function recipientDirectory(models: RecipientModels): RecipientDirectory {
  const known = new Map<string, Recipient>();
  return async (clientIds: string[]): Promise<Map<string, Recipient>> => {
    const missing = clientIds.filter((id) => !known.has(id));
    if (missing.length) for (const [id, r] of await recipientsOf(models, missing)) known.set(id, r);
    return new Map(clientIds.map((id) => [id, known.get(id)!]));
  };
}
