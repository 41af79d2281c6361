// Gateway call events name the product of the endpoint and, for clients the marketplace
// provisioned, their application and organization (looked up once, then cached).
import { describe, expect, it } from '@jest/globals';
import { clientDirectory } from '../../api/gateway/analytics.js';
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

describe('clientDirectory', () => {
  const appId = '3a789ef7-f1d3-4d6d-8355-5b16246124f3';
  const fakeModels = (lookups: string[]) => ({
    Application: {
      findById: (id: string) => ({
        lean: async () => {
          lookups.push(id);
          return id === appId ? { organizationId: 'org-1' } : null;
        },
      }),
    },
  });

  it('names the application and organization of a marketplace client, reading the record once', async () => {
    const lookups: string[] = [];
    const directory = clientDirectory(fakeModels(lookups) as never);
    await expect(directory.lookup(`mkt-${appId}`)).resolves.toEqual({
      applicationId: appId,
      organizationId: 'org-1',
    });
    await expect(directory.lookup(`mkt-${appId}`)).resolves.toEqual({
      applicationId: appId,
      organizationId: 'org-1',
    });
    expect(lookups).toEqual([appId]);
  });

  it('leaves other clients alone', async () => {
    const lookups: string[] = [];
    const directory = clientDirectory(fakeModels(lookups) as never);
    await expect(directory.lookup('gateway')).resolves.toBeUndefined();
    await expect(directory.lookup('mkt-not-a-uuid')).resolves.toBeUndefined();
    expect(lookups).toEqual([]);
  });
});
