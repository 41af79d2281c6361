// An OAuth client's lifecycle at the authorization server, as the provisioning workflow (its one
// writer) moves it and the application record stores it. Here, below both, so the workflow needs
// nothing from db/.
export const CLIENT_STATUSES = [
  'PROVISIONING',
  'ACTIVE',
  'SUSPENDED',
  'EXPIRED',
  'DEPROVISIONED',
  'FAILED',
] as const;
export type ClientStatus = (typeof CLIENT_STATUSES)[number];
