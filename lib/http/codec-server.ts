// Temporal's codec server protocol, so the Temporal UI and CLI show what encrypted payloads say to
// the people allowed to read them: POST …/decode and …/encode (optionally after a namespace
// segment, as the CLI's `--codec-endpoint …/{namespace}` sends it) with `{ payloads: [...] }` in
// protobuf JSON (metadata values and data in base64), answered the same way. The UI calls it from
// its own origin, with the browser's cookies when "include cross-origin credentials" is on: CORS
// admits exactly the UI's origins, with credentials.
import { Router, json, type Request, type RequestHandler, type Response } from 'express';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import { fieldErrors, sendProblem } from './problem.js';

type CodecOperation = 'encode' | 'decode';

interface CodecServerOptions {
  /** Applied as the SDK applies a data converter's codecs: in order to encode, in reverse to decode. */
  codecs: readonly PayloadCodec[];
  /** The one namespace whose payloads these codecs read. */
  namespace: string;
  /** Origins (scheme://host:port) of the Temporal UI allowed to call from a browser. */
  allowedOrigins: readonly string[];
  /** Run before the operation: each answers the request itself when it refuses it. */
  guards: Record<CodecOperation, RequestHandler[]>;
  /** Accountability: who asked for what, never the payloads. */
  onServed?: (req: Request, res: Response, operation: CodecOperation, count: number) => void;
}

const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, { error: 'base64' });
const payloadsBody = z.object({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() }))
    .max(1000),
});
type PayloadJson = z.infer<typeof payloadsBody>['payloads'][number];

const fromJson = (p: PayloadJson): Payload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]),
  ),
  data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
});

const toJson = (p: Payload): PayloadJson => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

export function codecServerRouter(o: CodecServerOptions): Router {
  const allowed = new Set(o.allowedOrigins);
  const router = Router();

  const cors: RequestHandler = (req, res, next) => {
    const origin = req.headers.origin;
    if (origin && allowed.has(origin)) {
      res.set({
        'access-control-allow-origin': origin,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'POST',
        'access-control-allow-headers': 'content-type, x-namespace, authorization',
        'access-control-max-age': '600',
      });
    }
    res.vary('origin');
    if (req.method === 'OPTIONS') {
      // A browser's preflight carries no credentials: it only learns whether the origin may call.
      if (origin && !allowed.has(origin)) return void res.status(403).end();
      return void res.status(204).end();
    }
    next();
  };

  const namespaceOf = (req: Request) =>
    (req.params as { namespace?: string }).namespace ?? req.get('x-namespace') ?? o.namespace;

  const serve =
    (operation: CodecOperation): RequestHandler =>
    async (req, res) => {
      if (namespaceOf(req) !== o.namespace)
        return sendProblem(
          res,
          404,
          'Unknown namespace',
          `This codec server reads namespace ${o.namespace}.`,
        );
      const parsed = payloadsBody.safeParse(req.body);
      if (!parsed.success)
        return sendProblem(
          res,
          400,
          'Invalid payloads',
          'The body is { "payloads": [ { "metadata": {…}, "data": "…" } ] } in protobuf JSON.',
          fieldErrors(parsed.error),
        );
      let payloads = parsed.data.payloads.map(fromJson);
      try {
        if (operation === 'encode') for (const codec of o.codecs) payloads = await codec.encode(payloads);
        else for (const codec of [...o.codecs].reverse()) payloads = await codec.decode(payloads);
      } catch (err) {
        return sendProblem(res, 422, `Payloads cannot be ${operation}d`, (err as Error).message);
      }
      o.onServed?.(req, res, operation, payloads.length);
      res.json({ payloads: payloads.map(toJson) });
    };

  router.use(cors);
  // application/json only: a browser must then ask first (preflight), and only the UI's origins pass.
  const body = json({ limit: '8mb' });
  for (const operation of ['decode', 'encode'] as const)
    router.post(
      [`/${operation}`, `/:namespace/${operation}`],
      ...o.guards[operation],
      body,
      serve(operation),
    );
  return router;
}
