import { describe, expect, it } from '@jest/globals';
import { FAPI_TLS12_CIPHERS, TLS13_CIPHERS } from '../../lib/tls.js';
import { locateNginx, renderNginxConfig, type NginxOptions } from '../../runtime/nginx.js';

const options = (over: Partial<NginxOptions> = {}): NginxOptions => ({
  runDir: '/run/obp/nginx',
  clientCertHeader: 'x-ssl-client-cert',
  tls: { certPath: '/pki/server.crt', keyPath: '/pki/server.key', clientCaPath: '/pki/ca.crt' },
  upstreamTls: { caPath: '/pki/ca.crt', serverName: 'localhost' },
  listeners: [
    {
      name: 'gateway',
      host: '127.0.0.1',
      port: 8444,
      tls: 'mtls',
      upstream: { scheme: 'https', servers: ['127.0.0.1:28444', '127.0.0.1:28454'] },
    },
    {
      name: 'marketplace',
      host: '0.0.0.0',
      port: 3000,
      tls: 'plain',
      upstream: { scheme: 'http', servers: ['127.0.0.1:23000'] },
    },
  ],
  ...over,
});

/** The `server { … }` block that listens on `port`. */
function serverBlock(conf: string, port: number): string {
  const start = conf.indexOf(`:${port}`);
  return conf.slice(
    conf.lastIndexOf('server {', start),
    conf.indexOf('}\n', conf.indexOf('location', start)) + 1,
  );
}

describe('the proxy configuration', () => {
  it('keeps everything nginx writes under its run directory and stays in the foreground', () => {
    const conf = renderNginxConfig(options());
    expect(conf).toMatch(/^daemon off;$/m);
    expect(conf).toContain('pid /run/obp/nginx/nginx.pid;');
    expect(conf).toContain('error_log /run/obp/nginx/error.log warn;');
    for (const temp of conf.match(/^\s*\w+_temp_path .*$/gm) ?? [])
      expect(temp).toMatch(/ \/run\/obp\/nginx\/tmp\/\w+;$/);
    expect(conf.match(/_temp_path/g)).toHaveLength(5);
    expect(conf).not.toMatch(/\/etc\/nginx|include /);
  });

  it("offers the Node servers' FAPI profile: TLS 1.2+, the same suites, no resumption", () => {
    const conf = renderNginxConfig(options());
    expect(conf).toContain('ssl_protocols TLSv1.2 TLSv1.3;');
    expect(conf).toContain(`ssl_ciphers ${FAPI_TLS12_CIPHERS.join(':')};`);
    expect(conf).toContain(`ssl_conf_command Ciphersuites ${TLS13_CIPHERS.join(':')};`);
    expect(conf).toContain('ssl_session_tickets off;');
    expect(conf).toContain('ssl_session_cache off;');
    expect(conf).toMatch(/ssl_dhparam \S+ffdhe2048\.pem;/);
  });

  it('asks for a client certificate on the mTLS listener only, and forwards only a verified one', () => {
    const conf = renderNginxConfig(options());
    expect(serverBlock(conf, 8444)).toContain('listen 127.0.0.1:8444 ssl;');
    expect(serverBlock(conf, 8444)).toContain('ssl_verify_client optional_no_ca;');
    expect(serverBlock(conf, 3000)).toContain('listen 0.0.0.0:3000;');
    expect(serverBlock(conf, 3000)).not.toContain('ssl');
    expect(conf).toMatch(
      /map \$ssl_client_verify \$obp_client_cert \{\s+SUCCESS \$ssl_client_escaped_cert;\s+default "";/,
    );
    // Set on every proxied request, so the client's own header of that name never passes.
    expect(conf).toContain('proxy_set_header x-ssl-client-cert $obp_client_cert;');
    expect(conf).toContain('proxy_set_header X-Forwarded-For $remote_addr;');
    expect(conf).toContain('proxy_set_header X-Forwarded-Proto $scheme;');
    expect(conf).toContain('proxy_set_header X-Forwarded-Host $http_host;');
  });

  it('balances the replicas with passive health checks, retries and keepalive', () => {
    const conf = renderNginxConfig(options({ health: { failTimeoutS: 3 } }));
    expect(conf).toMatch(
      /upstream gateway \{\s+server 127\.0\.0\.1:28444 max_fails=3 fail_timeout=3s;\s+server 127\.0\.0\.1:28454 max_fails=3 fail_timeout=3s;\s+keepalive 64;/,
    );
    expect(conf).toContain('proxy_next_upstream error timeout;');
    expect(conf).toContain('proxy_next_upstream_tries 2;');
    expect(conf).toContain('proxy_connect_timeout 3000ms;');
    expect(conf).toContain('proxy_set_header Connection "";');
    expect(serverBlock(conf, 8444)).toContain('proxy_pass https://gateway;');
    expect(serverBlock(conf, 3000)).toContain('proxy_pass http://marketplace;');
  });

  it('verifies the replicas against their CA when given one', () => {
    expect(renderNginxConfig(options())).toMatch(
      /proxy_ssl_trusted_certificate \/pki\/ca\.crt;\s+proxy_ssl_verify on;[\s\S]*proxy_ssl_name localhost;/,
    );
    expect(renderNginxConfig({ ...options(), upstreamTls: undefined })).toContain('proxy_ssl_verify off;');
  });

  it('refuses values nginx would read as syntax', () => {
    expect(() => renderNginxConfig(options({ runDir: '/tmp/a dir' }))).toThrow(
      /characters nginx would parse/,
    );
    expect(() => renderNginxConfig(options({ clientCertHeader: 'x-cert; evil' }))).toThrow(/header name/);
    const [gateway] = options().listeners;
    expect(() =>
      renderNginxConfig(
        options({ listeners: [{ ...gateway!, upstream: { scheme: 'https', servers: ['127.0.0.1:1; x'] } }] }),
      ),
    ).toThrow(/not host:port/);
    expect(() =>
      renderNginxConfig(
        options({ listeners: [{ ...gateway!, upstream: { scheme: 'https', servers: [] } }] }),
      ),
    ).toThrow(/no replicas/);
  });

  it('says how to install nginx when it is not there', () => {
    expect(() => locateNginx({}, ['/nonexistent/nginx'])).toThrow(/apt-get install -y nginx/);
    expect(() => locateNginx({ NGINX_PATH: '/nonexistent/nginx' })).toThrow(
      /NGINX_PATH names \/nonexistent\/nginx/,
    );
  });
});
