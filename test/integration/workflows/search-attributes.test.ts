// Registering the platform's search attributes is safe on every start, on a new or an existing
// namespace: only missing attributes are added.
import { describe, expect, it } from '@jest/globals';
import { Connection } from '@temporalio/client';
import { ensureSearchAttributes } from '../../../lib/temporal.js';
import { ALL_SEARCH_ATTRIBUTES } from '../../../lib/temporal-search-attributes.js';
import { testServers } from '../../helpers/env.js';
import { quietLogger } from '../../helpers/platform.js';

describe('search attributes', () => {
  it('adds what is missing and nothing twice', async () => {
    const { temporalAddress, namespace } = testServers();
    const connection = await Connection.connect({ address: temporalAddress });
    try {
      // Global setup registered the platform's set: a new start finds nothing to add.
      expect(await ensureSearchAttributes(connection, namespace, quietLogger)).toEqual([]);

      // A fixed name, so a long-lived server (TEMPORAL_ADDRESS) does not collect one per run.
      const added = { name: 'PlatformTestKeyword', type: 'KEYWORD' };
      const listed = async () =>
        Object.keys(
          (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {},
        );
      const existed = (await listed()).includes(added.name);
      const keys = [...ALL_SEARCH_ATTRIBUTES, added];
      expect(await ensureSearchAttributes(connection, namespace, quietLogger, keys)).toEqual(
        existed ? [] : [added.name],
      );
      expect(await ensureSearchAttributes(connection, namespace, quietLogger, keys)).toEqual([]);

      expect(await listed()).toEqual(
        expect.arrayContaining([...ALL_SEARCH_ATTRIBUTES.map((k) => k.name), added.name]),
      );
    } finally {
      await connection.close();
    }
  });
});
