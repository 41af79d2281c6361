// Who the recipient is, as the customer's pages name it: the application's name, and — when the
// client is a marketplace application — its organization's legal name, CNPJ and logo. Other
// clients (registered directly at the AS) are named by their client_name and logo_uri.
import type Provider from 'oidc-provider';
import type { Models } from '../../db/models/index.js';
import { applicationIdOfClient } from '../../db/models/application.js';
import type { RecipientView } from './views.js';

type RecipientModels = Pick<Models, 'Application' | 'Organization'>;

export async function recipientOf(
  provider: Provider,
  models: RecipientModels,
  clientId: string,
): Promise<RecipientView> {
  const client = await provider.Client.find(clientId);
  const name = String(client?.clientName ?? client?.clientId ?? clientId);
  const clientLogo = typeof client?.logoUri === 'string' ? client.logoUri : undefined;
  const applicationId = applicationIdOfClient(clientId);
  const application = applicationId ? await models.Application.findById(applicationId).lean() : null;
  const organization = application
    ? await models.Organization.findById(application.organizationId).lean()
    : null;
  const logoUrl = organization?.logoUri ?? application?.logoUri ?? clientLogo;
  return {
    client: name,
    legalName: organization?.legalName ?? name,
    ...(organization?.taxIdType === 'CNPJ' ? { cnpj: organization.taxId } : {}),
    ...(logoUrl?.startsWith('https://') ? { logoUrl } : {}),
  };
}
