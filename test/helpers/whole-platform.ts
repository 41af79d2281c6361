// The whole platform on the test servers, for the end-to-end journeys: one database, one
// authorization server whose consent decisions and FDX lodging go through Temporal, the consent,
// onboarding and provisioning workers, the API gateway, and the marketplace app with
// the developer portal, the bank's console and the customers' self-service. Built from the
// existing stacks: startOfbStack (database, AS, consent worker, demo customers),
// startTestGateway, and startMarketplaceStack sharing the first one's database and AS.
import { seedDemoStaff } from '../../api/bank-console/demo-staff.js';
import { TEST_TEMPORAL_UI } from './consoles.js';
import { testServers, type uniqueNames } from './env.js';
import { startTestGateway } from './gateway.js';
import { startMarketplaceStack } from './marketplace.js';
import { startOfbStack } from './ofb-journey.js';
import { tracked } from './teardown.js';

export async function startWholePlatform(names: ReturnType<typeof uniqueNames>) {
  const { namespace, temporalUiUrl } = testServers();
  // Its registered recipient is unused: the journeys' recipients come from the marketplace.
  const core = await startOfbStack(import.meta.url, 'Whole platform probe', { names });
  const stopping: (() => Promise<void>)[] = [() => core.stop()];
  const stop = tracked(async () => {
    for (const s of stopping.reverse()) await s();
  });
  try {
    const gateway = await startTestGateway(core);
    stopping.push(() => gateway.stop());
    await seedDemoStaff(core.db.models);
    const marketplace = await startMarketplaceStack(names, {
      shared: { db: core.db, as: core.as },
      consoles: {
        // Self-service and the console act on the consents the consent worker runs.
        consentTaskQueue: names.taskQueue,
        selfServiceEnabled: true,
        temporalUiUrl: temporalUiUrl ?? TEST_TEMPORAL_UI,
      },
      portal: { gatewayUrl: gateway.url },
    });
    stopping.push(() => marketplace.stop());
    return {
      names,
      db: core.db,
      as: core.as,
      client: core.client,
      /** The probe recipient registered at the AS, and lodging an OFB consent for it (Ana's by default). */
      rp: core.rp,
      lodge: core.lodge,
      gateway,
      /** Portal, bank console (/admin) and self-service (/my). */
      marketplaceUrl: marketplace.baseUrl,
      marketplace,
      namespace,
      /** The Temporal UI of the test server; undefined when the run uses an outside server. */
      temporalUiUrl,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

export type WholePlatform = Awaited<ReturnType<typeof startWholePlatform>>;
