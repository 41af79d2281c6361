// The cluster profile's TLS-terminating proxy: nginx from the distribution, configured from data
// (public listeners, each balancing the replicas of one component) and run in the foreground under
// a run directory of its own, never /etc/nginx. It asks for the client certificate with the same
// TLS settings as the platform's Node servers (lib/tls.ts) and forwards a verified one in the
// header the replicas believe from the proxy's address (lib/http/client-certificate.ts).
import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { StartupError } from '../lib/errors.js';
import { FAPI_TLS12_CIPHERS, TLS13_CIPHERS } from '../lib/tls.js';
import { startProcess, waitUntilReady, type ManagedProcess } from './process.js';

export interface ProxyListener {
  /** The component it fronts (`gateway`, `auth`, `marketplace`): the upstream's name in the config. */
  name: string;
  /** Public address and port, e.g. 127.0.0.1:8444. */
  host: string;
  port: number;
  /**
   * `mtls`: HTTPS asking for a client certificate (verified ones are forwarded; the replica answers
   * its absence in its standard's format); `tls`: HTTPS without asking; `plain`: HTTP.
   */
  tls: 'mtls' | 'tls' | 'plain';
  /** The replicas, `host:port` each, and how the proxy speaks to them. */
  upstream: { scheme: 'https' | 'http'; servers: string[] };
  /**
   * What the proxy itself answers (503, JSON) when no replica can be reached, in the standard of
   * the paths: `default`, and bodies for path prefixes (the gateway's FDX paths). Omitted: nginx's
   * own HTML page.
   */
  unavailable?: { default: string; byPrefix?: Record<string, string> };
}

interface PassiveHealth {
  /** Failed attempts within failTimeoutS that take a replica out for failTimeoutS. */
  maxFails: number;
  failTimeoutS: number;
  connectTimeoutMs: number;
  /** Replicas one request may try (the first included). */
  tries: number;
}

/**
 * A refused connection (a dead replica) costs a retry on the next one, not an error, and three of
 * them take the replica out for 5 s. A busy replica is not a dead one: the connect timeout also
 * covers the TLS handshake, which a replica saturated by load completes late — with one failure
 * and 1 s (measured under 64 connections) every replica was taken out at once and the proxy
 * answered 502 "no live upstreams" to nearly every call.
 */
const DEFAULT_HEALTH: PassiveHealth = {
  maxFails: 3,
  failTimeoutS: 5,
  connectTimeoutMs: 3000,
  tries: 2,
};

export interface NginxOptions {
  /** Config, pid, logs and temp files; created if missing. */
  runDir: string;
  listeners: ProxyListener[];
  /** The public server certificate and key, and the CA bundle client certificates must chain to. */
  tls: { certPath: string; keyPath: string; clientCaPath: string };
  /** The request header the client certificate goes in (MTLS_PROXY_HEADER). */
  clientCertHeader: string;
  /**
   * The CA of the replicas' own certificates and the name they carry: the proxy verifies the
   * replicas it connects to. Without it the proxy trusts any certificate on the internal ports.
   */
  upstreamTls?: { caPath: string; serverName: string };
  health?: Partial<PassiveHealth>;
  /** One line per request, no query strings (they may carry codes): access.log in runDir. Default on. */
  accessLog?: boolean;
  workerProcesses?: number;
}

/**
 * RFC 7919's ffdhe2048 group, as Node's `dhparam: 'auto'` picks for the 2048-bit server key: nginx
 * offers the DHE suites FAPI allows only with explicit parameters (byte for byte what
 * `openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048` prints).
 */
const FFDHE2048_PEM = `-----BEGIN DH PARAMETERS-----
MIIBCAKCAQEA//////////+t+FRYortKmq/cViAnPTzx2LnFg84tNpWp4TZBFGQz
+8yTnc4kmz75fS/jY2MMddj2gbICrsRhetPfHtXV/WVhJDP1H18GbtCFY2VVPe0a
87VXE15/V8k1mE8McODmi3fipona8+/och3xWKE2rec1MKzKT0g6eXq8CrGCsyT7
YdEIqUuyyOP7uWrat2DX9GgdT0Kj3jlN9K5W7edjcrsZCwenyO4KbXCeAvzhzffi
7MA0BM0oNC9hkXL+nOmFg/+OTxIy7vKBg8P+OxtMb61zO7X8vC7CIAXFjvGDfRaD
ssbzSibBsu/6iGtCOGEoXJf//////////wIBAg==
-----END DH PARAMETERS-----
`;

interface NginxFiles {
  confPath: string;
  errorLog: string;
  accessLog: string;
  pidFile: string;
  dhparamPath: string;
}

export function nginxFiles(runDir: string): NginxFiles {
  return {
    confPath: path.join(runDir, 'nginx.conf'),
    errorLog: path.join(runDir, 'error.log'),
    accessLog: path.join(runDir, 'access.log'),
    pidFile: path.join(runDir, 'nginx.pid'),
    dhparamPath: path.join(runDir, 'ffdhe2048.pem'),
  };
}

const HOST_PORT = /^(?:[A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):\d{1,5}$/;
const NAME = /^[a-z][a-z0-9_]*$/;
const HEADER = /^[A-Za-z0-9-]+$/;

/** Paths and names go into the config verbatim: anything nginx would read as syntax is refused. */
function safe(value: string, what: string): string {
  if (/[\s;{}"'$\\#]/.test(value))
    throw new Error(`nginx config: ${what} ${JSON.stringify(value)} has characters nginx would parse`);
  return value;
}

/** A JSON body for `return 503 '…'`: one line, nothing nginx would read as syntax or a variable. */
function jsonBody(body: string): string {
  const line = JSON.stringify(JSON.parse(body));
  if (/['$\\]/.test(line)) throw new Error(`nginx config: an unavailable body may not hold ' $ or \\`);
  return line;
}

function listenAddress(host: string, port: number): string {
  return `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}

export function renderNginxConfig(o: NginxOptions): string {
  const f = nginxFiles(o.runDir);
  const h = { ...DEFAULT_HEALTH, ...o.health };
  if (!HEADER.test(o.clientCertHeader))
    throw new Error(`nginx config: ${o.clientCertHeader} is not a header name`);
  if (o.listeners.length === 0) throw new Error('nginx config: no listeners');
  const tmp = (name: string) => safe(path.join(o.runDir, 'tmp', name), 'path');
  const lines: string[] = [
    '# Written by runtime/nginx.ts at each start: edit the code, not this file.',
    'daemon off;',
    `worker_processes ${o.workerProcesses ?? 1};`,
    `pid ${safe(f.pidFile, 'path')};`,
    `error_log ${safe(f.errorLog, 'path')} warn;`,
    'events { worker_connections 1024; }',
    'http {',
    `  client_body_temp_path ${tmp('client_body')};`,
    `  proxy_temp_path ${tmp('proxy')};`,
    `  fastcgi_temp_path ${tmp('fastcgi')};`,
    `  uwsgi_temp_path ${tmp('uwsgi')};`,
    `  scgi_temp_path ${tmp('scgi')};`,
    '  server_tokens off;',
    // $uri, not $request: query strings may carry authorization codes or personal data.
    `  log_format edge '$time_iso8601 $remote_addr $server_port "$request_method $uri" $status $upstream_addr $upstream_status $request_time';`,
    o.accessLog === false ? '  access_log off;' : `  access_log ${safe(f.accessLog, 'path')} edge;`,
    // The replicas enforce their own limits and answer them in their standard's format.
    '  client_max_body_size 16m;',
    '  large_client_header_buffers 4 32k;',
    '',
    '  # The FAPI profile of lib/tls.ts fapiServerOptions(): TLS 1.2+, its suites in its order,',
    '  # no session resumption, no renegotiation (nginx never allows client-initiated renegotiation).',
    '  ssl_protocols TLSv1.2 TLSv1.3;',
    `  ssl_ciphers ${FAPI_TLS12_CIPHERS.join(':')};`,
    `  ssl_conf_command Ciphersuites ${TLS13_CIPHERS.join(':')};`,
    '  ssl_prefer_server_ciphers on;',
    '  ssl_ecdh_curve X25519:prime256v1:secp384r1;',
    `  ssl_dhparam ${safe(f.dhparamPath, 'path')};`,
    '  ssl_session_tickets off;',
    '  ssl_session_cache off;',
    `  ssl_certificate ${safe(o.tls.certPath, 'path')};`,
    `  ssl_certificate_key ${safe(o.tls.keyPath, 'path')};`,
    `  ssl_client_certificate ${safe(o.tls.clientCaPath, 'path')};`,
    '  ssl_verify_depth 3;',
    '',
    '  # Only a certificate that chains to the client CA is forwarded; anything else, and whatever the',
    '  # client put in the header itself, becomes no header at all (an empty value drops it).',
    '  map $ssl_client_verify $obp_client_cert {',
    '    SUCCESS $ssl_client_escaped_cert;',
    '    default "";',
    '  }',
    '',
    '  proxy_http_version 1.1;',
    '  proxy_set_header Connection "";',
    '  proxy_set_header Host $http_host;',
    // This proxy terminates TLS, so it is the edge: the address it saw is the client's, and a
    // forwarded chain the client sent is not carried on.
    '  proxy_set_header X-Forwarded-For $remote_addr;',
    '  proxy_set_header X-Forwarded-Proto $scheme;',
    '  proxy_set_header X-Forwarded-Host $http_host;',
    `  proxy_set_header ${o.clientCertHeader} $obp_client_cert;`,
    '  proxy_redirect off;',
    `  proxy_connect_timeout ${h.connectTimeoutMs}ms;`,
    // Only a replica that cannot be reached is retried (and counted towards max_fails). A replica's
    // own 503 is its answer in its standard's format — its database or Temporal is away, for every
    // replica alike — and passes through; counting it would take every replica out and put the
    // proxy's 502 in its place. Non-idempotent requests are retried only when they never reached one.
    '  proxy_next_upstream error timeout;',
    `  proxy_next_upstream_tries ${h.tries};`,
    '  proxy_next_upstream_timeout 10s;',
    '  proxy_ssl_protocols TLSv1.2 TLSv1.3;',
    // Node keeps no session cache (lib/tls.ts): offering sessions would only cost a failed lookup.
    '  proxy_ssl_session_reuse off;',
    ...(o.upstreamTls
      ? [
          `  proxy_ssl_trusted_certificate ${safe(o.upstreamTls.caPath, 'path')};`,
          '  proxy_ssl_verify on;',
          '  proxy_ssl_verify_depth 3;',
          `  proxy_ssl_name ${safe(o.upstreamTls.serverName, 'server name')};`,
          '  proxy_ssl_server_name on;',
        ]
      : ['  proxy_ssl_verify off;']),
  ];
  for (const l of o.listeners) {
    if (!NAME.test(l.name)) throw new Error(`nginx config: listener name ${l.name} must match ${NAME}`);
    if (l.upstream.servers.length === 0) throw new Error(`nginx config: ${l.name} has no replicas`);
    lines.push('', `  upstream ${l.name} {`);
    for (const s of l.upstream.servers) {
      if (!HOST_PORT.test(s)) throw new Error(`nginx config: ${l.name} replica ${s} is not host:port`);
      lines.push(`    server ${s} max_fails=${h.maxFails} fail_timeout=${h.failTimeoutS}s;`);
    }
    // Idle connections close before Node's own 5 s keep-alive timeout would close them under a
    // request nginx just sent (a POST lost that way is not retried).
    // Enough idle connections per worker for a busy listener: each new one costs a TLS handshake.
    lines.push('    keepalive 64;', '    keepalive_timeout 4s;', '  }');
    lines.push(
      '  server {',
      `    listen ${listenAddress(safe(l.host, 'host'), l.port)}${l.tls === 'plain' ? '' : ' ssl'};`,
    );
    if (l.tls === 'mtls') lines.push('    ssl_verify_client optional_no_ca;');
    const proxyPass = `proxy_pass ${l.upstream.scheme}://${l.name};`;
    if (!l.unavailable) lines.push(`    location / { ${proxyPass} }`, '  }');
    else {
      // error_page applies to the proxy's own errors only: replicas' answers pass through as sent.
      const bodies: [string, string][] = [
        ['/', l.unavailable.default],
        ...Object.entries(l.unavailable.byPrefix ?? {}),
      ];
      bodies.forEach(([prefix, body], i) => {
        lines.push(
          `    location ${safe(prefix, 'path prefix')} { ${proxyPass} error_page 502 503 504 =503 @unavailable${i}; }`,
          `    location @unavailable${i} {`,
          '      default_type application/json;',
          '      charset utf-8;',
          '      charset_types application/json;',
          '      add_header Retry-After 5 always;',
          `      return 503 '${jsonBody(body)}';`,
          '    }',
        );
      });
      lines.push('  }');
    }
  }
  lines.push('}', '');
  return lines.join('\n');
}

/** Write the config and the DH parameters under runDir; returns where everything is. */
function writeNginxConfig(o: NginxOptions): NginxFiles {
  const f = nginxFiles(o.runDir);
  mkdirSync(path.join(o.runDir, 'tmp'), { recursive: true });
  // Started as root, nginx's workers run as nobody: they must reach the temp directories nginx
  // creates (and hands to them) inside runDir.
  if (process.getuid?.() === 0) {
    chmodSync(o.runDir, 0o711);
    chmodSync(path.join(o.runDir, 'tmp'), 0o711);
  }
  writeFileSync(f.dhparamPath, FFDHE2048_PEM);
  writeFileSync(f.confPath, renderNginxConfig(o));
  return f;
}

const CANDIDATES = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'];

/** NGINX_PATH, then the distribution's places; a clear message when none is there. */
export function locateNginx(env: NodeJS.ProcessEnv = process.env, candidates = CANDIDATES): string {
  const wanted = env.NGINX_PATH ? [env.NGINX_PATH] : candidates;
  for (const file of wanted) {
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // next
    }
  }
  throw new StartupError(
    env.NGINX_PATH
      ? `NGINX_PATH names ${env.NGINX_PATH}, which is not an executable file`
      : `nginx is not installed (looked in ${candidates.join(', ')}): the cluster profile's proxy needs it — run \`apt-get install -y nginx\` (or set NGINX_PATH)`,
  );
}

/** `nginx -t` on the written config: a bad file fails here with nginx's own words. */
function checkNginxConfig(binary: string, runDir: string): void {
  const f = nginxFiles(runDir);
  const r = spawnSync(binary, ['-t', '-q', '-e', f.errorLog, '-p', runDir, '-c', f.confPath], {
    encoding: 'utf8',
  });
  if (r.status !== 0)
    throw new StartupError(
      `nginx refused its configuration (${f.confPath}): ${(r.stderr || r.stdout || String(r.error)).trim()}`,
    );
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: host.replace(/^\[|\]$/g, ''), port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

interface SpawnNginxOptions extends NginxOptions {
  /** Default: locateNginx(). */
  binary?: string;
  /** nginx's stdout and stderr (startup messages before error_log opens). Default: runDir/nginx.out. */
  logFile?: string;
  /** See startProcess: lets a later start stop an nginx a killed supervisor left running. */
  pidFile?: string;
  readyTimeoutMs?: number;
}

/**
 * Write the config, check it and start nginx in the foreground (`daemon off`, so stopping the
 * process group stops it: SIGTERM is nginx's fast shutdown). Not yet listening when it returns: a
 * supervisor probes it; spawnNginx() waits.
 */
export function startNginxProcess(o: SpawnNginxOptions): ManagedProcess {
  const binary = o.binary ?? locateNginx();
  const f = writeNginxConfig(o);
  checkNginxConfig(binary, o.runDir);
  return startProcess({
    name: 'nginx',
    command: binary,
    args: ['-e', f.errorLog, '-p', o.runDir, '-c', f.confPath],
    logFile: o.logFile ?? path.join(o.runDir, 'nginx.out'),
    ...(o.pidFile ? { pidFile: o.pidFile } : {}),
  });
}

/** startNginxProcess(), then wait until every public port accepts connections. */
export async function spawnNginx(o: SpawnNginxOptions): Promise<ManagedProcess> {
  const proc = startNginxProcess(o);
  try {
    await waitUntilReady(
      proc,
      async () => (await Promise.all(o.listeners.map((l) => accepts(l.host, l.port)))).every(Boolean),
      o.readyTimeoutMs ?? 15_000,
      `nginx (see ${nginxFiles(o.runDir).errorLog})`,
    );
  } catch (err) {
    await proc.stop(2000);
    throw err;
  }
  return proc;
}
