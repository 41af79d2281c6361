// A customer revokes a consent while recipients read through the gateway: the revoked consent's
// token is refused within 1 s of the revocation's answer, with the gateway's consent and client
// state cached as the platform configures it (GATEWAY_STATE_CACHE), and the other consent's reads
// go on undisturbed.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { revokeConsent } from '../../../api/bank-console/consents/actions.js';
import { DEMO_CUSTOMERS } from '../../../auth/idp/demo-customers.js';
import { loadConfig } from '../../../lib/config.js';
import { eventually } from '../../helpers/eventually.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { authorisedConsent, startOfbStack, type OfbStack } from '../../helpers/ofb-journey.js';

const [ana] = DEMO_CUSTOMERS;
const STATE_CACHE_MS = loadConfig({}).gateway.stateCacheMs;
const ACCOUNTS = '/open-banking/accounts/v2/accounts';
const PATHS = [
  ACCOUNTS,
  `${ACCOUNTS}/acc-ana-checking/balances`,
  `${ACCOUNTS}/acc-ana-checking/transactions`,
  '/open-banking/resources/v3/resources',
];

let stack: OfbStack;
let gw: TestGateway;

beforeAll(async () => {
  stack = await startOfbStack(import.meta.url, 'revocation');
  gw = await startTestGateway(stack, { stateCacheMs: STATE_CACHE_MS });
});

afterAll(async () => {
  await gw?.stop();
  await stack?.stop();
});

const authorised = () =>
  authorisedConsent(stack, {
    customer: ana!,
    request: {
      permissions: [
        'ACCOUNTS_READ',
        'ACCOUNTS_BALANCES_READ',
        'ACCOUNTS_TRANSACTIONS_READ',
        'RESOURCES_READ',
      ],
    },
  });

interface Call {
  status: number;
  startedAt: number;
  /** When the answer had been read. */
  at: number;
  code?: string;
}

/** `callers` loops reading PATHS in turn with `token` until `stop` is set. */
function workload(token: string, callers: number, stop: { now: boolean }) {
  const calls: Call[] = [];
  const fetcher = gw.fetcher(stack.rp.cert);
  const loop = async (offset: number) => {
    for (let i = offset; !stop.now; i++) {
      const startedAt = Date.now();
      const res = await fetcher(`${gw.url}${PATHS[i % PATHS.length]}`, {
        headers: { authorization: `Bearer ${token}`, 'x-fapi-interaction-id': randomUUID() },
      });
      const body = (await res.json()) as { errors?: { code: string }[] };
      calls.push({
        status: res.status,
        startedAt,
        at: Date.now(),
        ...(body.errors ? { code: body.errors[0]!.code } : {}),
      });
    }
  };
  return { calls, done: Promise.all(Array.from({ length: callers }, (_, i) => loop(i))) };
}

it('refuses a revoked consent’s token within 1 s of the revocation, while the reads go on', async () => {
  expect(STATE_CACHE_MS).toBeGreaterThan(0);
  const revoked = await authorised();
  const other = await authorised();
  const stop = { now: false };
  const onRevoked = workload(revoked.token, 3, stop);
  const onOther = workload(other.token, 2, stop);
  try {
    // The workload is running and served, both consents' states are in the gateway's cache.
    await eventually(async () => {
      expect(onRevoked.calls.filter((c) => c.status === 200).length).toBeGreaterThanOrEqual(8);
      expect(onOther.calls.filter((c) => c.status === 200).length).toBeGreaterThanOrEqual(8);
    }, 60_000);

    // What the customer's "stop sharing" page does: the consent workflow's revoke update.
    const outcome = await revokeConsent(stack.client, revoked.consentId, {
      rejectedBy: 'USER',
      code: 'CUSTOMER_MANUALLY_REVOKED',
      actor: `customer:${ana!._id}`,
    });
    expect(outcome.ok).toBe(true);
    const answeredAt = Date.now();
    const firstRefusal = await eventually(async () => {
      const refusal = onRevoked.calls.find((c) => c.status === 401);
      expect(refusal).toBeDefined();
      return refusal!;
    }, 60_000);
    // A few more calls after the first refusal, to see they stay refused.
    const seen = onRevoked.calls.length;
    await eventually(async () => expect(onRevoked.calls.length).toBeGreaterThanOrEqual(seen + 6), 60_000);
    stop.now = true;
    await Promise.all([onRevoked.done, onOther.done]);

    const after = onRevoked.calls.filter((c) => c.startedAt >= firstRefusal.at);
    console.info(
      `first 401 ${firstRefusal.at - answeredAt} ms after the revocation answered ` +
        `(GATEWAY_STATE_CACHE ${STATE_CACHE_MS} ms); ${onRevoked.calls.length + onOther.calls.length} calls`,
    );
    expect(firstRefusal.at - answeredAt).toBeLessThanOrEqual(1000);
    expect(firstRefusal.code).toBe('UNAUTHORIZED');
    // Once refused, always refused (every call begun after the first refusal); nothing but 200 before.
    expect(after.length).toBeGreaterThanOrEqual(3);
    expect(after.map((c) => c.status)).toEqual(after.map(() => 401));
    expect(onRevoked.calls.filter((c) => c.status !== 200 && c.status !== 401)).toEqual([]);
    // The other consent's reads went on: all served.
    expect(onOther.calls.filter((c) => c.status !== 200)).toEqual([]);
  } finally {
    stop.now = true;
    await Promise.allSettled([onRevoked.done, onOther.done]);
  }
}, 240_000);
