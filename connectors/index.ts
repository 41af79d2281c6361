// Every connector of this installation. Importing one registers it (connectors/sdk/registry.ts);
// a new connector adds its import here. The gateway and the AS build the configured one with
// `connectorFromConfig`.
import type { Registry } from 'prom-client';
import type { Config } from '../lib/config.js';
import type { Logger } from '../lib/logger.js';
import { connectorReader, readDeadlineWithin, type DataFetcher } from './reads.js';
import type { BankConnector } from './sdk/connector.js';
import { createConnector } from './sdk/registry.js';
import './mock-core-banking/connector.js';
import './rest-core-banking/connector.js';

export { createConnector } from './sdk/registry.js';

/** The connector CONNECTOR names, with the options its factory reads. */
function connectorFromConfig(cfg: Config['connectors']): BankConnector {
  return createConnector(cfg.connector, {
    url: cfg.coreBanking.url,
    timeoutMs: String(cfg.coreBanking.timeoutMs),
  });
}

/**
 * The guarded reads of a component (gateway, AS) on the configured connector, within the
 * component's request budget, counted in its metrics.
 */
export function readerFromConfig(
  cfg: Pick<Config, 'connectors' | 'http'>,
  registry: Registry,
  logger: Logger,
): DataFetcher {
  return connectorReader({
    connector: connectorFromConfig(cfg.connectors),
    deadlineMs: readDeadlineWithin(cfg.http.requestBudgetMs),
    registry,
    logger,
  });
}
