// Every collection of the platform, one model each. connectDatabase() builds their indexes at start.
import type { Connection } from 'mongoose';
import { authKeyModel } from './auth-key.js';
import { consentModel } from './consent.js';
import { customerModel } from './customer.js';
import { loginChallengeModel } from './login-challenge.js';
import { notificationModel } from './notification.js';
import { oidcRecordModel } from './oidc-record.js';
import { organizationModel } from './organization.js';

export function registerModels(connection: Connection) {
  return {
    Organization: organizationModel(connection),
    Notification: notificationModel(connection),
    AuthKey: authKeyModel(connection),
    OidcRecord: oidcRecordModel(connection),
    Customer: customerModel(connection),
    LoginChallenge: loginChallengeModel(connection),
    Consent: consentModel(connection),
  };
}

export type Models = ReturnType<typeof registerModels>;
