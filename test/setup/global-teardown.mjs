// See global-setup.mjs.
import { register } from 'tsx/esm/api';

register();
const { default: stopServers } = await import('./stop-servers.ts');
export default stopServers;
