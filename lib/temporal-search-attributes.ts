// Custom search attributes: how bank operations staff filter the platform's workflows in the
// Temporal UI, e.g. `OnboardingStatus="PENDING_REVIEW"`. Every key used anywhere is listed here
// so start-up can register them all. Workflows import these keys to upsert them, so this file runs
// in Temporal's workflow sandbox too: it imports nothing but @temporalio/common.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const OrganizationId = defineSearchAttributeKey('OrganizationId', SearchAttributeType.KEYWORD);
export const OnboardingStatus = defineSearchAttributeKey('OnboardingStatus', SearchAttributeType.KEYWORD);
/** OFB and/or FDX. */
export const Standard = defineSearchAttributeKey('Standard', SearchAttributeType.KEYWORD_LIST);

/** In the consent's standard's words: OFB's lifecycle, or FDX's ACTIVE, EXPIRED, REVOKED. */
export const ConsentStatus = defineSearchAttributeKey('ConsentStatus', SearchAttributeType.KEYWORD);
/** The same for every standard: AWAITING_AUTHORISATION, AUTHORISED or REJECTED. */
export const ConsentLifecycle = defineSearchAttributeKey('ConsentLifecycle', SearchAttributeType.KEYWORD);
export const ClientId = defineSearchAttributeKey('ClientId', SearchAttributeType.KEYWORD);
export const CustomerId = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
export const ConsentExpiresAt = defineSearchAttributeKey('ConsentExpiresAt', SearchAttributeType.DATETIME);
/** The state of an application's OAuth client, kept by its `provisioning` workflow. */
export const ClientStatusAttribute = defineSearchAttributeKey('ClientStatus', SearchAttributeType.KEYWORD);
export const ApplicationId = defineSearchAttributeKey('ApplicationId', SearchAttributeType.KEYWORD);

export const ALL_SEARCH_ATTRIBUTES = [
  OrganizationId,
  OnboardingStatus,
  Standard,
  ConsentStatus,
  ConsentLifecycle,
  ClientId,
  CustomerId,
  ConsentExpiresAt,
  ClientStatusAttribute,
  ApplicationId,
];
