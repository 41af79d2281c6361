// Structured JSON logs with pino; human-readable when a person is watching a terminal.
// Secrets and tokens are redacted by path so a careless log call cannot leak them.
import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

export type { Logger };

const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.client_secret',
  '*.access_token',
  '*.refresh_token',
  '*.id_token',
  '*.token',
  '*.privateKey',
  '*.apiKey',
];

export function createLogger(component: string, cfg: Pick<Config, 'log'>): Logger {
  const pretty = cfg.log.format === 'pretty' || (cfg.log.format === 'auto' && process.stdout.isTTY === true);
  return pino({
    name: component,
    level: cfg.log.level,
    // In the cluster profile each replica says which it is (`gateway-2`), so one log tells them apart.
    ...(process.env.OBP_REPLICA ? { base: { pid: process.pid, replica: process.env.OBP_REPLICA } } : {}),
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' },
          },
        }
      : {}),
  });
}
