// Demo staff for development and tests, seeded when the marketplace starts outside production.
// Their passwords are public: the README lists them.
import type { Models } from '../../db/models/index.js';
import type { StaffRole } from '../../db/models/staff-user.js';
import { saveStaffUser } from './staff-auth.js';

export const DEMO_STAFF: { email: string; name: string; role: StaffRole; password: string }[] = [
  { email: 'admin@bank.example', name: 'Demo Admin', role: 'ADMIN', password: 'admin-demo-2026' },
  { email: 'viewer@bank.example', name: 'Demo Viewer', role: 'VIEW', password: 'viewer-demo-2026' },
];

export async function seedDemoStaff(models: Pick<Models, 'StaffUser'>): Promise<void> {
  for (const user of DEMO_STAFF) await saveStaffUser(models, user);
}
