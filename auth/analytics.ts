// Authorization-server events for analytics: tokens issued or denied (by grant type or OAuth
// error) and customer logins that succeeded or failed (by reason). Client ids only — never the
// customer, the token or what was typed.
import { randomUUID } from 'node:crypto';
import type Provider from 'oidc-provider';
import type { EventBuffer } from '../lib/analytics/event-buffer.js';

export interface AuthEvent {
  _id: string;
  type: 'auth.token_issued' | 'auth.token_denied' | 'auth.login_succeeded' | 'auth.login_failed';
  at: Date;
  clientId?: string;
  /** Grant type, OAuth error, or why a login failed (invalid, locked, code_invalid, code_expired, …). */
  code?: string;
}

export type RecordAuthEvent = (type: AuthEvent['type'], fields: { clientId?: string; code?: string }) => void;

export function authEventRecorder(buffer: EventBuffer<AuthEvent>): RecordAuthEvent {
  return (type, fields) =>
    buffer.record({
      _id: randomUUID(),
      type,
      at: new Date(),
      ...(fields.clientId ? { clientId: fields.clientId } : {}),
      ...(fields.code ? { code: fields.code } : {}),
    });
}

type GrantContext = { oidc?: { client?: { clientId: string }; params?: { grant_type?: unknown } } };

/** Every token endpoint outcome becomes an event. */
export function recordTokenEvents(provider: Provider, record: RecordAuthEvent): void {
  const events = provider as unknown as NodeJS.EventEmitter;
  events.on('grant.success', (ctx: GrantContext) =>
    record('auth.token_issued', {
      clientId: ctx.oidc?.client?.clientId,
      code: String(ctx.oidc?.params?.grant_type ?? ''),
    }),
  );
  events.on('grant.error', (ctx: GrantContext, err: { error?: string }) =>
    record('auth.token_denied', { clientId: ctx.oidc?.client?.clientId, code: err.error ?? 'server_error' }),
  );
}
