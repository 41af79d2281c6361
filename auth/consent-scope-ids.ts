// The consent ids an OFB scope names (`consent:{consentId}`): pure parsing, free of oidc-provider,
// for the pages that only need to know which journey they are in.
export const CONSENT_SCOPE_PREFIX = 'consent:';

export function consentIdsIn(scope: unknown): string[] {
  return String(scope ?? '')
    .split(' ')
    .filter((s) => s.startsWith(CONSENT_SCOPE_PREFIX))
    .map((s) => s.slice(CONSENT_SCOPE_PREFIX.length));
}
