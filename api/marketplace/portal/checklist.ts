// The getting-started checklist on the portal's home: where the developer's organization stands on
// the way to its first API call, each step done or not, the first open one marked next, each with a
// link to where to do it. The first successful call is read from the gateway's call events of the
// organization's clients (raw, then the day roll-ups once the raw ones are past their retention).
import type { Models } from '../../../db/models/index.js';
import { html, type Html } from '../../../lib/http/html.js';
import type { DeveloperIdentity } from './access.js';

export interface ChecklistStep {
  id: 'enrolled' | 'approved' | 'subscribed' | 'client' | 'first-call';
  label: string;
  done: boolean;
  link: { href: string; text: string };
}

type ChecklistModels = Pick<
  Models,
  'Organization' | 'Subscription' | 'Application' | 'AnalyticsEvent' | 'AnalyticsRollup'
>;

/** Whether any of these clients had a call answered 2xx or 3xx. */
async function anySuccessfulCall(models: ChecklistModels, clientIds: string[]): Promise<boolean> {
  if (clientIds.length === 0) return false;
  const raw = await models.AnalyticsEvent.exists({
    type: 'gateway.call',
    clientId: { $in: clientIds },
    status: { $gte: 200, $lt: 400 },
  });
  if (raw) return true;
  return !!(await models.AnalyticsRollup.exists({
    kind: 'call',
    granularity: 'day',
    clientId: { $in: clientIds },
    statusClass: { $in: ['2xx', '3xx'] },
  }));
}

export async function gettingStarted(
  models: ChecklistModels,
  developer: DeveloperIdentity,
): Promise<ChecklistStep[]> {
  const organizationId = developer.organizationId;
  const org = organizationId
    ? await models.Organization.findById(organizationId, { status: 1 }).lean()
    : null;
  const approved = org?.status === 'APPROVED';
  const subscribed = approved && !!(await models.Subscription.exists({ organizationId, status: 'ACTIVE' }));
  const active = approved
    ? await models.Application.find(
        { organizationId, 'client.status': 'ACTIVE' },
        { 'client.clientId': 1 },
      ).lean<{ _id: string; client: { clientId?: string | null } }[]>()
    : [];
  const clientIds = active.map((a) => a.client.clientId).filter((id): id is string => !!id);
  const called = await anySuccessfulCall(models, clientIds);
  return [
    {
      id: 'enrolled',
      label: 'Enrol your organization',
      done: !!org,
      link: { href: '/organization', text: 'Organization' },
    },
    {
      id: 'approved',
      label: 'The bank approves your organization',
      done: approved,
      link: { href: '/organization', text: org ? `Organization (${org.status})` : 'Organization' },
    },
    {
      id: 'subscribed',
      label: 'Subscribe to at least one API product',
      done: subscribed,
      link: { href: '/subscriptions', text: 'Subscriptions' },
    },
    {
      id: 'client',
      label: 'Create an application whose client is ACTIVE',
      done: clientIds.length > 0,
      link: clientIds.length
        ? { href: '/apps', text: 'Applications' }
        : { href: '/apps/new', text: 'New application' },
    },
    {
      id: 'first-call',
      label: 'Make your first successful API call',
      done: called,
      link: active[0]
        ? { href: `/apps/${active[0]._id}`, text: 'Your application (Postman collection, request log)' }
        : { href: '/apps', text: 'Applications' },
    },
  ];
}

export const checklistBlock = (steps: ChecklistStep[]): Html => {
  const next = steps.find((s) => !s.done);
  return html`<section aria-labelledby="getting-started">
    <h2 id="getting-started">Getting started</h2>
    <ol class="checklist">
      ${steps.map((s) => {
        const state = s.done ? 'done' : s === next ? 'next' : 'to do';
        return html`<li data-step="${s.id}" data-state="${state}">
          <strong>${s.done ? '✓ Done' : s === next ? '→ Next' : 'To do'}:</strong> ${s.label} —
          <a href="${s.link.href}">${s.link.text}</a>
        </li>`;
      })}
    </ol>
    ${next ? '' : html`<p role="status">All done: your application is calling the bank's APIs.</p>`}
  </section>`;
};
