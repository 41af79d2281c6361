// Jest loads global setup outside its module system, so its moduleNameMapper does not apply:
// tsx loads the TypeScript (with NodeNext `.js` specifiers) instead.
import { register } from 'tsx/esm/api';

register();
const { default: startServers } = await import('./start-servers.ts');
export default startServers;
