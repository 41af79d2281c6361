// A data recipient made as a fintech makes one, over the marketplace's HTTP pages and JSON API (no
// browser): a developer signs up and confirms the address from the development mailbox, enrols
// an organization for both standards, the bank's admin approves it and the manual products in
// the console's JSON API, and the developer creates applications with generated credentials.
// Each application is then the sample recipient app's client (examples/recipient-app), discovered
// at the authorization server with its certificate.
import { randomBytes } from 'node:crypto';
import { DEMO_STAFF } from '../../../api/bank-console/demo-staff.js';
import type { GeneratedSecrets } from '../../../api/marketplace/applications/credentials.js';
import type { RecipientConfig, Standard } from '../../../examples/recipient-app/config.js';
import { discoverClient, type RecipientClient } from '../../../examples/recipient-app/oidc-client.js';
// A generator of valid CNPJs: a test helper, pure, imported rather than copied.
import { validCnpj } from '../../../test/helpers/tax-ids.js';
import { expectStatus, hiddenField, Session } from './http.js';

export interface PlatformUrls {
  marketplaceUrl: string;
  authUrl: string;
  gatewayUrl: string;
  /** PEM of the CA the platform's https servers are trusted by. */
  ca: string;
}

export interface BenchRecipient {
  standard: Standard;
  cfg: RecipientConfig;
  client: RecipientClient;
}

/** Registered with every client; nothing listens there: the set-up reads the redirect itself. */
export const REDIRECT_URI = 'https://127.0.0.1:4999/callback';
const PASSWORD = 'a long benchmark developer password';
const ADMIN = DEMO_STAFF.find((s) => s.role === 'ADMIN')!;
const PRODUCTS = [
  'ofb-consents',
  'ofb-resources',
  'ofb-accounts',
  'ofb-credit-cards',
  'ofb-customers',
  'fdx-consent',
  'fdx-core',
];

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not so within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function developerSession(p: PlatformUrls, email: string): Promise<Session> {
  const web = new Session(p.marketplaceUrl, p.ca);
  const signup = await web.request('/signup');
  expectStatus(
    'sign-up',
    await web.request('/signup', {
      form: {
        csrf: hiddenField(signup.text, 'csrf'),
        name: 'Benchmark Developer',
        email,
        password: PASSWORD,
      },
    }),
    201,
  );
  const box = await web.request(`/dev/mailbox?to=${encodeURIComponent(email)}`);
  const link = /(\/verify\?[^"<\s]+)/.exec(box.text)?.[1];
  if (!link) throw new Error(`no confirmation link in the development mailbox of ${email}: is it on?`);
  await web.request(link.replace(/&amp;/g, '&'));
  const login = await web.request('/login');
  expectStatus(
    'developer log-in',
    await web.request('/login', {
      form: { csrf: hiddenField(login.text, 'csrf'), email, password: PASSWORD, next: '/organization' },
    }),
    303,
  );
  return web;
}

async function staffSession(p: PlatformUrls): Promise<Session> {
  const staff = new Session(p.marketplaceUrl, p.ca);
  const form = await staff.request('/admin/login');
  expectStatus(
    'staff log-in',
    await staff.request('/admin/login', {
      form: { csrf: hiddenField(form.text, 'csrf'), email: ADMIN.email, password: ADMIN.password },
    }),
    303,
  );
  return staff;
}

/** An approved organization for OFB and FDX with every data product active; its developer. */
async function approvedOrganization(p: PlatformUrls, tag: string): Promise<Session> {
  const web = await developerSession(p, `bench-${tag}@fintech.example`);
  const page = await web.request('/organization');
  expectStatus(
    'enrolment',
    await web.request('/organization', {
      form: {
        csrf: hiddenField(page.text, 'csrf'),
        legalName: `Benchmark Fintech ${tag} Ltda`,
        taxIdType: 'CNPJ',
        taxId: validCnpj(),
        website: 'https://fintech.example',
        'standard-OFB': 'on',
        'standard-FDX': 'on',
      },
    }),
    303,
  );
  const { organizationId } = (await web.request('/api/me')).json<{ organizationId: string }>();
  const staff = await staffSession(p);
  try {
    expectStatus(
      'approval',
      await staff.request(`/admin/api/organizations/${organizationId}/review`, {
        json: { decision: 'APPROVED' },
      }),
      200,
    );
    await until('the organization approved', async () => {
      const org = (await web.request(`/api/organizations/${organizationId}`)).json<{ status: string }>();
      return org.status === 'APPROVED' ? true : undefined;
    });
    for (const productId of PRODUCTS) {
      const sub = expectStatus(
        `subscription to ${productId}`,
        await web.request('/api/subscriptions', { json: { productId, planId: 'production' } }),
        201,
      ).json<{ subscriptionId: string; status: string }>();
      if (sub.status !== 'ACTIVE')
        expectStatus(
          `approval of ${productId}`,
          await staff.request(`/admin/api/subscriptions/${encodeURIComponent(sub.subscriptionId)}/decision`, {
            json: { decision: 'APPROVE' },
          }),
          200,
        );
    }
    await until('every subscription active', async () => {
      const { subscriptions } = (await web.request('/api/subscriptions')).json<{
        subscriptions: { status: string }[];
      }>();
      return subscriptions.length === PRODUCTS.length && subscriptions.every((s) => s.status === 'ACTIVE')
        ? true
        : undefined;
    });
  } finally {
    await staff.close();
  }
  return web;
}

async function application(
  p: PlatformUrls,
  web: Session,
  standard: Standard,
  name: string,
): Promise<BenchRecipient> {
  const authMethod = standard === 'OFB' ? 'private_key_jwt' : 'tls_client_auth';
  const created = expectStatus(
    `application ${name}`,
    await web.request('/api/applications', {
      json: {
        name,
        standard,
        redirectUris: [REDIRECT_URI],
        tokenEndpointAuthMethod: authMethod,
        credential: { source: 'generate' },
      },
    }),
    201,
  ).json<{ applicationId: string; client: { clientId: string }; secrets: GeneratedSecrets }>();
  await until(`the client of ${name} active`, async () => {
    const app = (await web.request(`/api/applications/${created.applicationId}`)).json<{
      client: { status: string };
    }>();
    return app.client.status === 'ACTIVE' ? true : undefined;
  });
  const cfg: RecipientConfig = {
    standard,
    authMethod,
    credentials: {
      clientId: created.client.clientId,
      kid: created.secrets.kid,
      signingKey: created.secrets.signingKey,
      certificate: created.secrets.certificate,
      certificateKey: created.secrets.certificateKey,
    },
    issuer: p.authUrl,
    gatewayUrl: p.gatewayUrl,
    ca: p.ca,
    host: '127.0.0.1',
    port: 4999,
    redirectUri: REDIRECT_URI,
    // This app serves nothing: the set-up follows the bank's redirects itself.
    tls: { cert: '', key: '' },
  };
  return { standard, cfg, client: await discoverClient(cfg) };
}

/** One organization with `ofb` OFB and `fdx` FDX applications, each an active client. */
export async function provisionRecipients(
  p: PlatformUrls,
  counts: { ofb: number; fdx: number },
): Promise<{ ofb: BenchRecipient[]; fdx: BenchRecipient[] }> {
  const tag = randomBytes(3).toString('hex');
  const web = await approvedOrganization(p, tag);
  try {
    // One after another: each generates keys and runs a provisioning workflow, and a loaded
    // machine answers a burst of them with the marketplace's 504. A failed one is made again.
    const make = async (standard: Standard, n: number) => {
      const made: BenchRecipient[] = [];
      for (let i = 1; i <= n; i++)
        for (let attempt = 1; ; attempt++) {
          try {
            made.push(await application(p, web, standard, `Benchmark ${standard} ${tag} ${i}.${attempt}`));
            break;
          } catch (err) {
            if (attempt === 3) throw err;
          }
        }
      return made;
    };
    return { ofb: await make('OFB', counts.ofb), fdx: await make('FDX', counts.fdx) };
  } finally {
    await web.close();
  }
}
