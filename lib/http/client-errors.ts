// Requests the server cannot read — a body it cannot parse or decode, one too large, a path that
// is not valid percent-encoding, headers over Node's limit — are the client's error, a 4xx, never
// a 500. This module says which 4xx and why, in words safe to show (nothing of the server's own);
// each component writes the answer in its standard's format.
import { STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ClientError {
  status: number;
  /** A short title: 'Malformed URL', 'Request body too large'… */
  title: string;
  /** Why, for the caller: fixed words, never the server's internals. */
  reason: string;
}

// The body parsers' (body-parser, raw-body) error types.
const BODY_ERRORS: Record<string, ClientError> = {
  'entity.parse.failed': { status: 400, title: 'Malformed body', reason: 'the body is not well-formed' },
  'entity.too.large': { status: 413, title: 'Request body too large', reason: 'the body is too large' },
  'parameters.too.many': {
    status: 413,
    title: 'Request body too large',
    reason: 'the body has too many fields',
  },
  'charset.unsupported': {
    status: 415,
    title: 'Unsupported charset',
    reason: 'the body charset is not supported: send UTF-8',
  },
  'encoding.unsupported': {
    status: 415,
    title: 'Unsupported content encoding',
    reason: 'the Content-Encoding is not supported: send the body as is, or gzip, deflate or br',
  },
  'request.aborted': {
    status: 400,
    title: 'Incomplete body',
    reason: 'the body ended before its announced length',
  },
  'request.size.invalid': {
    status: 400,
    title: 'Incomplete body',
    reason: 'the body length does not match Content-Length',
  },
};

/** The 4xx an error stands for when the request itself was unreadable; undefined otherwise. */
export function clientError(err: unknown): ClientError | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const { name, type, status, expose, code } = err as {
    name?: string;
    type?: string;
    status?: number;
    expose?: boolean;
    code?: string;
  };
  // The router could not decode a path parameter (e.g. `%E0%A4%A`).
  if (err instanceof URIError || name === 'URIError')
    return { status: 400, title: 'Malformed URL', reason: 'the path is not valid percent-encoding' };
  if (type && BODY_ERRORS[type]) return BODY_ERRORS[type];
  if (typeof status !== 'number' || status < 400 || status > 499 || !expose) return undefined;
  // zlib, on a body that is not in the Content-Encoding it claims.
  if (typeof code === 'string' && code.startsWith('Z_'))
    return {
      status,
      title: 'Malformed body',
      reason: 'the body is not in the Content-Encoding it announces',
    };
  return { status, title: STATUS_CODES[status] ?? 'Bad request', reason: 'the request is malformed' };
}

/** What a component answers to a request Node could not parse: its content type and body. */
type UnparsableAnswer = (error: ClientError, path: string | undefined) => { type: string; body: string };

/**
 * Node answers a request it cannot parse (headers over `maxHeaderSize`, 16 kB by default; a broken
 * request line) before any app sees it, with an empty body. This gives that answer a body in the
 * component's format. The path, when the request line was read, lets it choose the standard.
 */
export function answerUnparsableRequests(server: Server, answer: UnparsableAnswer): void {
  server.on('clientError', (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Socket) => {
    // As Node itself does: never write into a response already under way on this connection. A TLS
    // failure (a refused renegotiation, a fatal alert) leaves no channel to answer on: ending it
    // gracefully would wait forever and hold the server's close.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    const tlsFailure = err.code?.startsWith('ERR_SSL_') === true;
    if (err.code === 'ECONNRESET' || tlsFailure || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const error: ClientError =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? {
            status: 431,
            title: 'Request headers too large',
            reason: 'the request headers are larger than the server accepts (16 kB)',
          }
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? { status: 408, title: 'Request timeout', reason: 'the request did not arrive in time' }
          : { status: 400, title: 'Malformed request', reason: 'the request is not valid HTTP' };
    // The request line, when this packet has it: its path chooses the format; HEAD gets no body.
    const line = /^([A-Z]{3,10}) (\S*) HTTP\/1\.[01]\r?\n/.exec(
      err.rawPacket?.toString('latin1', 0, 4096) ?? '',
    );
    const path = line?.[2]?.startsWith('/') ? line[2] : undefined;
    const { type, body } = answer(error, path);
    socket.end(
      `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\n` +
        `Content-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Cache-Control: no-store\r\nConnection: close\r\n\r\n${line?.[1] === 'HEAD' ? '' : body}`,
    );
  });
}
