// Every collection of the platform, one model each. connectDatabase() builds their indexes at start.
import type { Connection } from 'mongoose';
import { analyticsEventModel } from './analytics-event.js';
import { analyticsRollupModel } from './analytics-rollup.js';
import { analyticsStateModel } from './analytics-state.js';
import { applicationModel } from './application.js';
import { authKeyModel } from './auth-key.js';
import { consentModel } from './consent.js';
import { customerModel } from './customer.js';
import { developerModel, invitationModel } from './developer.js';
import { loginChallengeModel } from './login-challenge.js';
import { notificationModel } from './notification.js';
import { oidcRecordModel } from './oidc-record.js';
import { organizationModel } from './organization.js';
import { subscriptionModel } from './subscription.js';
import { customerSessionModel, developerSessionModel, staffSessionModel } from './web-sessions.js';
import { staffUserModel } from './staff-user.js';
import { stateChangeModel } from './state-change.js';

export function registerModels(connection: Connection) {
  return {
    Organization: organizationModel(connection),
    Notification: notificationModel(connection),
    AuthKey: authKeyModel(connection),
    OidcRecord: oidcRecordModel(connection),
    Customer: customerModel(connection),
    LoginChallenge: loginChallengeModel(connection),
    Consent: consentModel(connection),
    StaffUser: staffUserModel(connection),
    StaffSession: staffSessionModel(connection),
    CustomerSession: customerSessionModel(connection),
    AnalyticsEvent: analyticsEventModel(connection),
    AnalyticsRollup: analyticsRollupModel(connection),
    AnalyticsState: analyticsStateModel(connection),
    Developer: developerModel(connection),
    Invitation: invitationModel(connection),
    DeveloperSession: developerSessionModel(connection),
    Subscription: subscriptionModel(connection),
    Application: applicationModel(connection),
    StateChange: stateChangeModel(connection),
  };
}

export type Models = ReturnType<typeof registerModels>;
