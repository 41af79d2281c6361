// Every connector of this installation. Importing one registers it (connectors/sdk/registry.ts);
// a new connector adds its import here. The gateway and the AS build the configured one with
// `connectorFromConfig`.
import type { Config } from '../lib/config.js';
import type { BankConnector } from './sdk/connector.js';
import { createConnector } from './sdk/registry.js';
import './mock-core-banking/connector.js';
import './rest-core-banking/connector.js';

export { connectorNames, createConnector } from './sdk/registry.js';

/** The connector CONNECTOR names, with the options its factory reads. */
export function connectorFromConfig(cfg: Config['connectors']): BankConnector {
  return createConnector(cfg.connector, {
    url: cfg.coreBanking.url,
    timeoutMs: String(cfg.coreBanking.timeoutMs),
  });
}
