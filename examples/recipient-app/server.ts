// Run the recipient example app: `npx tsx examples/recipient-app/server.ts`, configured by the
// environment (see README.md). It prints where it listens; it never prints tokens or keys.
import { startRecipientApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';

try {
  const cfg = await loadConfig();
  const { url, close } = await startRecipientApp(cfg);
  process.stdout.write(
    `Recipient example app (${cfg.standard}, client ${cfg.credentials.clientId}) at ${url}\n` +
      `  bank: ${cfg.issuer}, gateway: ${cfg.gatewayUrl}, redirect URI: ${cfg.redirectUri}\n`,
  );
  const stop = () => void close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
  process.exit(1);
}
