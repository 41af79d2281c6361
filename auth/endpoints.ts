// The authorization server's endpoint paths, by discovery name: the ones clients call with their
// certificate. Apart from the configuration so other processes (gateway, Discovery Agent) can
// name them without loading oidc-provider.
export const ENDPOINTS = {
  token_endpoint: '/token',
  introspection_endpoint: '/token/introspection',
  revocation_endpoint: '/token/revocation',
  pushed_authorization_request_endpoint: '/request',
  userinfo_endpoint: '/me',
  registration_endpoint: '/reg',
} as const;
