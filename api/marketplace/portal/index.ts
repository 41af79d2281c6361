// The developer portal: accounts, organization, subscriptions, applications (pages and JSON API),
// built on the marketplace's services and a session store of its own.
import { Router } from 'express';
import type { Models } from '../../../db/models/index.js';
import { html } from '../../../lib/http/html.js';
import { sessionStore } from '../../../lib/web/sessions.js';
import type { ApplicationService } from '../applications/service.js';
import { organizationsRouter, type organizationEnrolment } from '../routes/organizations.js';
import type { SubscriptionService } from '../subscriptions/service.js';
import { accountRouter } from './account-routes.js';
import { developerAccess, type DeveloperAccess } from './access.js';
import { developerAccounts } from './accounts.js';
import { developerApiRouter } from './api-routes.js';
import { appRouter } from './app-routes.js';
import { checklistBlock, gettingStarted } from './checklist.js';
import { developerInsightsRouter } from './insights-routes.js';
import { organizationRouter } from './organization-routes.js';
import { portalPage } from './frame-pages.js';

export interface PortalDeps {
  models: Models;
  subscriptions: SubscriptionService;
  applications: ApplicationService;
  enrol: ReturnType<typeof organizationEnrolment>;
  marketplaceUrl: string;
  authIssuer: string;
  gatewayUrl: string;
  secureCookies: boolean;
  sessionTtlMs: number;
  devMailbox: boolean;
}

/** What depends on the session (pages, the JSON API, insights) is never cached. */
const NOT_CACHED = [
  '/api',
  '/apps',
  '/insights',
  '/organization',
  '/subscriptions',
  '/login',
  '/signup',
  '/verify',
];

export function portalRouter(deps: PortalDeps): { router: Router; access: DeveloperAccess } {
  const sessions = sessionStore({
    model: deps.models.DeveloperSession,
    cookie: { name: 'obp_dev_session', path: '/', secure: deps.secureCookies },
    idleTtlMs: deps.sessionTtlMs,
  });
  const access = developerAccess({ models: deps.models, sessions });
  const router = Router();
  for (const prefix of NOT_CACHED)
    router.use(prefix, (_req, res, next) => {
      res.set('cache-control', 'no-store');
      next();
    });
  // The home: what the portal is for; for a developer logged in, where their organization stands.
  router.get('/', async (req, res) => {
    const developer = await access.identify(req, res);
    if (developer) res.set('cache-control', 'no-store');
    res.type('html').send(
      portalPage(
        'Welcome',
        html`<h1>Open banking APIs for data recipients</h1>
          <p>
            Enrol your organization, subscribe to Open Finance Brasil and FDX APIs, and get OAuth clients
            registered at the bank's authorization server in minutes.
          </p>
          ${
            developer
              ? checklistBlock(await gettingStarted(deps.models, developer))
              : html`<ol>
                  <li><a href="/signup">Create a developer account</a> and confirm your email.</li>
                  <li><a href="/organization">Enrol your organization</a>; the bank reviews it.</li>
                  <li><a href="/subscriptions">Subscribe</a> to <a href="/products">API products</a>.</li>
                  <li>
                    <a href="/apps/new">Create an application</a>: the Discovery Agent registers its client.
                  </li>
                </ol>`
          }`,
        developer,
      ),
    );
  });
  router.use(
    accountRouter({
      accounts: developerAccounts({ models: deps.models, marketplaceUrl: deps.marketplaceUrl }),
      access,
      sessions,
      models: deps.models,
      secureCookies: deps.secureCookies,
      devMailbox: deps.devMailbox,
    }),
  );
  router.use(
    organizationRouter({
      models: deps.models,
      access,
      enrol: deps.enrol,
      marketplaceUrl: deps.marketplaceUrl,
    }),
  );
  router.use(organizationsRouter({ models: deps.models, access, enrol: deps.enrol }));
  const appDeps = {
    models: deps.models,
    access,
    subscriptions: deps.subscriptions,
    applications: deps.applications,
    authIssuer: deps.authIssuer,
    gatewayUrl: deps.gatewayUrl,
  };
  router.use(developerApiRouter(appDeps));
  router.use(appRouter(appDeps));
  // Consumer insights, and the chart assets its pages load (served here, for the whole marketplace).
  router.use(developerInsightsRouter({ models: deps.models, access }));
  return { router, access };
}
