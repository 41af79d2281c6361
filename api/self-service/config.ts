// What the customers' self-service pages need from the platform.
import type { Client } from '@temporalio/client';
import type { DataFetcher } from '../../connectors/reads.js';
import type { Models } from '../../db/models/index.js';
import type { Branding } from '../../lib/config.js';

export interface SelfServiceDeps {
  client: Client;
  models: Pick<
    Models,
    'Consent' | 'Customer' | 'LoginChallenge' | 'Notification' | 'CustomerSession' | 'OidcRecord'
  >;
  /** The bank's data through the configured connector: the labels of the consented accounts. */
  readBankData: DataFetcher;
  secureCookies: boolean;
  /** Idle time after which a customer's session ends. */
  sessionTtlMs: number;
  /** The bank's brand and time zone; the defaults without it. */
  branding?: Branding;
}
