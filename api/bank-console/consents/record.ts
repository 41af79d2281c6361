// A consent as the console and self-service read it: the stored record with its id.
import type { Consent } from '../../../db/models/consent.js';

export type ConsentRecord = Consent & { _id: string };
