// See global-setup.mjs.
import { register } from 'tsx/esm/api';

register();

export default async function globalTeardown() {
  const { default: stopServers } = await import('./stop-servers.ts');
  await stopServers();
}
