// Jest loads global setup outside its module system, so its moduleNameMapper does not apply:
// tsx loads the TypeScript (with NodeNext `.js` specifiers) instead.
import { register } from 'tsx/esm/api';

register();

export default async function globalSetup() {
  const { default: startServers } = await import('./start-servers.ts');
  await startServers();
}
