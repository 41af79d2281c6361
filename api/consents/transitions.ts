// The consent workflow's transitions as the APIs ask for them. The workflow's validators have the
// last word: a refusal comes back as `ConsentRefused`, with the OFB code when it names one.
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  authoriseUpdate,
  extendUpdate,
  holdUpdate,
  revokeUpdate,
  type Hold,
  type Authorisation,
  type ConsentState,
  type ExtensionRequest,
  type Revocation,
} from '../../workflows/consent.js';

export class ConsentRefused extends Error {
  override name = 'ConsentRefused';
  constructor(
    message: string,
    /** The validator's failure type, e.g. `DATA_EXPIRACAO_INVALIDA`, when it gave one. */
    readonly code?: string,
  ) {
    super(message);
  }
}

async function refusing<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      const cause = err.cause;
      const code =
        cause instanceof ApplicationFailure && cause.type !== 'Error' ? (cause.type ?? undefined) : undefined;
      throw new ConsentRefused(cause?.message ?? err.message, code);
    }
    // The workflow has ended (a completed consent accepts no update): nothing to transition.
    if (err instanceof WorkflowNotFoundError) throw new ConsentRefused('the consent has ended');
    throw err;
  }
}

export interface ConsentTransitions {
  authorise(consentId: string, a: Authorisation): Promise<ConsentState>;
  revoke(consentId: string, r: Revocation): Promise<ConsentState>;
  extend(consentId: string, e: ExtensionRequest): Promise<ConsentState>;
  hold(consentId: string, h: Hold): Promise<ConsentState>;
}

export function consentTransitions(client: Client): ConsentTransitions {
  const handle = (id: string) => client.workflow.getHandle(id);
  return {
    authorise: (id, a) => refusing(handle(id).executeUpdate(authoriseUpdate, { args: [a] })),
    revoke: (id, r) => refusing(handle(id).executeUpdate(revokeUpdate, { args: [r] })),
    extend: (id, e) => refusing(handle(id).executeUpdate(extendUpdate, { args: [e] })),
    hold: (id, h) => refusing(handle(id).executeUpdate(holdUpdate, { args: [h] })),
  };
}
