// What the bank console needs from the platform.
import type { Client } from '@temporalio/client';
import type { Models } from '../../db/models/index.js';
import type { ApplicationService } from '../marketplace/applications/service.js';
import type { SubscriptionService } from '../marketplace/subscriptions/service.js';

export interface BankConsoleDeps {
  client: Client;
  models: Pick<Models, 'Consent' | 'StaffUser' | 'StaffSession' | 'OidcRecord' | 'AnalyticsRollup'> &
    Pick<Models, 'Organization' | 'Subscription' | 'Application'> &
    /** Read for customers' names, never their credentials. */
    Pick<Models, 'Customer'>;
  /** Where `revokeCustomerConsents` runs (the consent task queue). */
  consentTaskQueue: string;
  /** Base URL of the Temporal UI, e.g. http://localhost:8233. */
  temporalUiUrl: string;
  secureCookies: boolean;
  /** Idle time after which a staff session ends. */
  sessionTtlMs: number;
  /** The developer marketplace's pages (organizations, subscriptions, applications); absent: not served. */
  marketplace?: MarketplaceAdminDeps;
}

/** What the console's marketplace pages act through. */
export interface MarketplaceAdminDeps {
  subscriptions: SubscriptionService;
  applications: ApplicationService;
  /** The onboarding task queue (shown to staff; the review itself goes to the running workflow). */
  onboardingTaskQueue?: string;
}

/** The consent's workflow in the Temporal UI (workflow id = consent id). */
export const temporalWorkflowUrl = (deps: Pick<BankConsoleDeps, 'client' | 'temporalUiUrl'>, id: string) =>
  `${deps.temporalUiUrl}/namespaces/${encodeURIComponent(deps.client.options.namespace)}/workflows/${encodeURIComponent(id)}`;

/** Messages after a successful action, kept in the session for the page the redirect leads to. */
export const NOTICES: Record<string, string> = {
  hold: 'The consent is on hold: no data flows until it is released.',
  resume: 'The hold is released.',
  revoke: 'The consent is revoked.',
  customer:
    'Revocation of every authorised consent of this customer has started; their statuses change within seconds.',
};
