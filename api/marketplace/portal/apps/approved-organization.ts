// Subscriptions and applications open once the bank approves the developer's organization.
import type { Response } from 'express';
import type { DeveloperIdentity } from '../access.js';
import { sendMessage } from '../frame-pages.js';
import type { AppRouteDeps } from './deps.js';

/** The developer's organization when approved; otherwise answers 409 and gives undefined. */
export async function needsApprovedOrg(
  models: AppRouteDeps['models'],
  res: Response,
  developer: DeveloperIdentity,
) {
  const org = developer.organizationId
    ? await models.Organization.findById(developer.organizationId).lean()
    : null;
  if (org?.status === 'APPROVED') return org;
  const why = org ? `It is ${org.status}.` : 'Enrol your organization first.';
  sendMessage(
    res,
    409,
    {
      title: 'Not yet',
      heading: 'Your organization is not approved yet',
      message: `${why} Subscriptions and applications open once the bank approves it.`,
      link: { href: '/organization', text: 'Organization' },
    },
    developer,
  );
  return undefined;
}
