// The Temporal UI's codec server at /admin/temporal-codec: workflow payloads are encrypted (see
// lib/crypto/payload-codec.ts), and the bank's staff read them in the UI through this endpoint,
// logged in to the console. Any staff member may decode; only ADMIN may encode (what the UI sends
// when staff start or signal a workflow with input). The codecs are the platform client's own.
import { Router } from 'express';
import { codecServerRouter } from '../../lib/http/codec-server.js';
import { staffOf, type StaffAccess } from './access.js';
import type { BankConsoleDeps } from './config.js';

const TEMPORAL_CODEC_PATH = '/admin/temporal-codec';

/** The UI's origin; on loopback under both names, as the browser shows whichever was typed. */
function temporalUiOrigins(temporalUiUrl: string): string[] {
  const url = new URL(temporalUiUrl);
  const twins: Record<string, string> = { localhost: '127.0.0.1', '127.0.0.1': 'localhost' };
  const twin = twins[url.hostname];
  if (!twin) return [url.origin];
  const other = new URL(url.origin);
  other.hostname = twin;
  return [url.origin, other.origin];
}

export function temporalCodecRouter(
  deps: Pick<BankConsoleDeps, 'client' | 'temporalUiUrl'>,
  access: StaffAccess,
): Router {
  const router = Router();
  router.use(
    TEMPORAL_CODEC_PATH,
    codecServerRouter({
      codecs: deps.client.options.loadedDataConverter.payloadCodecs,
      namespace: deps.client.options.namespace,
      allowedOrigins: temporalUiOrigins(deps.temporalUiUrl),
      guards: { decode: [access.api], encode: [access.api, access.adminApi] },
      onServed: (req, res, operation, payloads) =>
        req.log.info({ staff: staffOf(res).email, operation, payloads }, 'Temporal payloads served to staff'),
    }),
  );
  return router;
}
