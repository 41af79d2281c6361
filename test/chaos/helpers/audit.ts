// A consent's audit trail as the bank reads it: the projection the consent workflow writes (its
// `audit` entries, one per transition, and its `revision`) and the analytics event each transition
// leaves once (`consent:<id>:<revision>`). Intact means: the trail starts with the lodging, each
// entry starts where the one before ended, it ends at the consent's status, no entry is there twice,
// and exactly one analytics event exists for each revision — nothing lost, nothing duplicated.
import type { Models } from '../../../db/models/index.js';

export interface Trail {
  consentId: string;
  status: string;
  actions: string[];
  problems: string[];
}

export async function consentTrail(
  models: Pick<Models, 'Consent' | 'AnalyticsEvent'>,
  consentId: string,
): Promise<Trail> {
  const doc = await models.Consent.findById(consentId).lean();
  if (!doc) return { consentId, status: 'MISSING', actions: [], problems: ['no projection'] };
  const audit = doc.audit ?? [];
  const problems: string[] = [];
  if (audit[0]?.action !== 'lodge') problems.push(`starts with ${audit[0]?.action}, not lodge`);
  for (let i = 1; i < audit.length; i++)
    if (audit[i]!.from !== audit[i - 1]!.to)
      problems.push(`entry ${i} starts at ${audit[i]!.from}, the one before ended at ${audit[i - 1]!.to}`);
  if (audit.at(-1)?.to !== doc.status) problems.push(`ends at ${audit.at(-1)?.to}, status ${doc.status}`);
  const keys = audit.map((a) => `${a.action}:${a.from ?? ''}:${a.to}`);
  if (new Set(keys).size !== keys.length) problems.push(`an entry twice: ${keys.join(', ')}`);
  if (doc.revision !== audit.length) problems.push(`revision ${doc.revision}, ${audit.length} entries`);
  // The consent's data calls are analytics events too: only its transitions are counted here.
  const events = await models.AnalyticsEvent.find({ consentId }, { _id: 1 }).lean();
  const ids = events
    .map((e) => String(e._id))
    .filter((id) => id.startsWith(`consent:${consentId}:`))
    .sort();
  const expected = audit.map((_, i) => `consent:${consentId}:${i + 1}`).sort();
  if (JSON.stringify(ids) !== JSON.stringify(expected))
    problems.push(
      `analytics events ${ids.length} (${ids.map((i) => i.split(':').at(-1)).join(',')}), expected ${expected.length}`,
    );
  return { consentId, status: doc.status, actions: audit.map((a) => a.action), problems };
}
