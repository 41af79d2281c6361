// The development mailbox in tests: the newest one-time code the bank sent a customer.
import type { Models } from '../../db/models/index.js';

/** The newest one-time code sent to `email` (since `since`, when given); fails naming whom when none. */
export async function latestOneTimeCode(
  models: Pick<Models, 'Notification'>,
  email: string,
  since?: Date,
): Promise<string> {
  const note = await models.Notification.findOne({
    to: email,
    template: 'one-time-code',
    ...(since ? { sentAt: { $gte: since } } : {}),
  })
    .sort({ sentAt: -1 })
    .lean();
  if (!note)
    throw new Error(`no one-time code sent to ${email}${since ? ` since ${since.toISOString()}` : ''}`);
  return /is (\d{6})/.exec(note.body)![1]!;
}
