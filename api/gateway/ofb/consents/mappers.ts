// The consent record in the shapes of consents 3.3.1: ResponseConsent(Read) and the extensions list.
import type { Consent } from '../../../../db/models/consent.js';
import { ofbDateTime } from '../errors.js';

type ConsentRecord = Consent & { _id: string };

function consentData(c: ConsentRecord) {
  return {
    consentId: c._id,
    creationDateTime: ofbDateTime(c.creationDateTime),
    status: c.status,
    statusUpdateDateTime: ofbDateTime(c.statusUpdateDateTime),
    permissions: c.permissions,
    ...(c.expirationDateTime ? { expirationDateTime: ofbDateTime(c.expirationDateTime) } : {}),
    ...(c.rejection
      ? {
          rejection: {
            rejectedBy: c.rejection.rejectedBy,
            reason: {
              code: c.rejection.code,
              ...(c.rejection.additionalInformation
                ? { additionalInformation: c.rejection.additionalInformation.trim().slice(0, 140) }
                : {}),
            },
          },
        }
      : {}),
  };
}

export function consentResponse(c: ConsentRecord, self: string) {
  return { data: consentData(c), links: { self }, meta: { requestDateTime: ofbDateTime(new Date()) } };
}

/** Renewals, newest first, as `GET …/extensions` lists them. */
export function extensionItems(c: ConsentRecord) {
  return [...(c.extensions ?? [])].reverse().map((e) => ({
    ...(e.expirationDateTime ? { expirationDateTime: ofbDateTime(e.expirationDateTime) } : {}),
    loggedUser: { document: { identification: e.loggedUserDocument, rel: 'CPF' } },
    requestDateTime: ofbDateTime(e.requestDateTime),
    ...(e.previousExpirationDateTime
      ? { previousExpirationDateTime: ofbDateTime(e.previousExpirationDateTime) }
      : {}),
    xFapiCustomerIpAddress: e.xFapiCustomerIpAddress,
    xCustomerUserAgent: e.xCustomerUserAgent,
  }));
}
