// Accounts named by email (bank staff, developers, invitations) compare it trimmed and in lower case.
export const normaliseEmail = (email: string) => email.trim().toLowerCase();
