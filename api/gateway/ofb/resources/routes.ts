// OFB resources 3.1.0 (`/open-banking/resources/v3`): the accounts and cards the consent covers,
// and whether each can be read now.
import {
  fetchOr404,
  ofbDataRouter,
  pagedEnvelope,
  paging,
  requirePermission,
  selfUrl,
  type OfbDataDeps,
} from '../data-api.js';

export const RESOURCES_BASE = '/open-banking/resources/v3';
const RESOURCES_VERSION = '3.1.0';

const TYPE = { ACCOUNT: 'ACCOUNT', CREDIT_CARD: 'CREDIT_CARD_ACCOUNT' } as const;

export function ofbResourcesRouter(deps: OfbDataDeps) {
  const router = ofbDataRouter(deps, RESOURCES_VERSION, 'resources');
  router.get('/resources', requirePermission('RESOURCES_READ'), async (req, res) => {
    const p = paging(req, res);
    if (!p) return;
    const result = await fetchOr404(deps, res, { kind: 'resources' }, 'resources');
    if (!result) return;
    const data = result.resources.map((r) => ({
      resourceId: r.resourceId,
      type: TYPE[r.type],
      status: r.status,
    }));
    res.json(pagedEnvelope(data, p, selfUrl(deps, req)));
  });
  return router;
}
