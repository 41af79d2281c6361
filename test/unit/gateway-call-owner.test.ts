// Gateway call events name the product of the endpoint and, for clients the marketplace
// provisioned, their application and organization (from the record the access check reads).
import { describe, expect, it } from '@jest/globals';
import { clientStateReader } from '../../api/gateway/security/consent-state.js';
import { productForPath } from '../../api/marketplace/catalog/products.js';

describe('productForPath', () => {
  it('finds the product by the longest base path', () => {
    expect(productForPath('/open-banking/accounts/v2/accounts/acc-1/balances')?.id).toBe('ofb-accounts');
    expect(productForPath('/open-banking/consents/v3/consents')?.id).toBe('ofb-consents');
    expect(productForPath('/fdx/v6/consents/abc/revocation')?.id).toBe('fdx-consent');
    expect(productForPath('/fdx/v6/accounts')?.id).toBe('fdx-core');
    expect(productForPath('/open-banking/accounts/v2x')).toBeUndefined();
    expect(productForPath('/healthz')).toBeUndefined();
  });
});

describe('clientStateReader', () => {
  const appId = '3a789ef7-f1d3-4d6d-8355-5b16246124f3';
  const fakeModels = (lookups: string[]) => ({
    Application: {
      findById: (id: string) => ({
        lean: async () => {
          lookups.push(id);
          return id === appId ? { organizationId: 'org-1', client: { status: 'SUSPENDED' } } : null;
        },
      }),
    },
  });

  it("names a marketplace client's application, organization and status, from its record", async () => {
    const lookups: string[] = [];
    const read = clientStateReader(fakeModels(lookups) as never);
    await expect(read(`mkt-${appId}`)).resolves.toEqual({
      applicationId: appId,
      organizationId: 'org-1',
      status: 'SUSPENDED',
    });
    // A client whose record is gone is treated as deprovisioned.
    const gone = '00000000-0000-4000-8000-000000000000';
    await expect(read(`mkt-${gone}`)).resolves.toEqual({ applicationId: gone, status: 'DEPROVISIONED' });
    expect(lookups).toEqual([appId, gone]);
  });

  it('leaves other clients alone', async () => {
    const lookups: string[] = [];
    const read = clientStateReader(fakeModels(lookups) as never);
    await expect(read('gateway')).resolves.toBeUndefined();
    await expect(read('mkt-not-a-uuid')).resolves.toBeUndefined();
    expect(lookups).toEqual([]);
  });
});
