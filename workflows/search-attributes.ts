// Custom search attributes: how bank operations staff filter the platform's workflows in the
// Temporal UI, e.g. `OnboardingStatus="PENDING_REVIEW"`. Every key used anywhere is listed here
// so start-up can register them all.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const OrganizationId = defineSearchAttributeKey('OrganizationId', SearchAttributeType.KEYWORD);
export const OnboardingStatus = defineSearchAttributeKey('OnboardingStatus', SearchAttributeType.KEYWORD);
/** OFB and/or FDX. */
export const Standard = defineSearchAttributeKey('Standard', SearchAttributeType.KEYWORD_LIST);

export const ALL_SEARCH_ATTRIBUTES = [OrganizationId, OnboardingStatus, Standard];
