// Who is asking in the console: a staff member as the pages and routes see them. Its own module so
// the page frame (frame-pages.ts) and the access checks (access.ts, which send pages) need not
// import each other.
import type { StaffRole } from '../../db/models/staff-user.js';

export interface Staff {
  email: string;
  name: string;
  role: StaffRole;
  /** The CSRF token of this session's forms. */
  csrf: string;
}
