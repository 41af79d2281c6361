// The workflows the `consent` task queue runs.
export { consent } from './consent.js';
export { revokeCustomerConsents } from './customer-consents.js';
