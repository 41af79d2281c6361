// Every collection of the platform, one model each. connectDatabase() builds their indexes at start.
import type { Connection } from 'mongoose';
import { notificationModel } from './notification.js';
import { organizationModel } from './organization.js';

export function registerModels(connection: Connection) {
  return {
    Organization: organizationModel(connection),
    Notification: notificationModel(connection),
  };
}

export type Models = ReturnType<typeof registerModels>;
