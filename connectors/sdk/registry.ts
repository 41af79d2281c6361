// Connectors by name. The gateway and the AS build the one the bank configures (`CONNECTOR`); tests and the
// conformance kit build any of them.
import type { BankConnector } from './connector.js';

type ConnectorFactory = (options: Record<string, string | undefined>) => BankConnector;

const factories = new Map<string, ConnectorFactory>();

export function registerConnector(name: string, factory: ConnectorFactory): void {
  if (factories.has(name)) throw new Error(`connector ${name} is already registered`);
  factories.set(name, factory);
}

export function createConnector(
  name: string,
  options: Record<string, string | undefined> = {},
): BankConnector {
  const factory = factories.get(name);
  if (!factory)
    throw new Error(`unknown connector ${name}; registered: ${[...factories.keys()].join(', ') || 'none'}`);
  return factory(options);
}
