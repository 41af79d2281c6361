// A Node child for test/helpers/orphan-parent.ts: a component's main with an open server (so only
// its parent's going away can end it) that says when it runs.
import http from 'node:http';
import { runMain } from '../../lib/main.js';

runMain('orphan-child', async () => {
  const server = http.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  process.send?.('running');
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
});
