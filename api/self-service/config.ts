// What the customers' self-service pages need from the platform.
import type { Client } from '@temporalio/client';
import type { Models } from '../../db/models/index.js';

export interface SelfServiceDeps {
  client: Client;
  models: Pick<
    Models,
    'Consent' | 'Customer' | 'LoginChallenge' | 'Notification' | 'CustomerSession' | 'OidcRecord'
  >;
  secureCookies: boolean;
  /** Idle time after which a customer's session ends. */
  sessionTtlMs: number;
}
