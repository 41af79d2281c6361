// The platform's layers, checked by `npm run lint`: shared code lives below the code that uses
// it, so every import points down and no two source files need each other. Type-only imports
// count too (tsPreCompilationDeps): a circle of types is still two modules that cannot change
// apart.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Source files must not import each other, directly or through others.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'lib-and-db-below-the-rest',
      severity: 'error',
      comment: 'lib/ and db/ are the bottom layers: they import nothing from the code that uses them.',
      from: { path: '^(lib|db)/' },
      to: { path: '^(api|auth|workflows|activities|connectors)/' },
    },
    {
      name: 'auth-below-api',
      severity: 'error',
      comment: 'The authorization server imports nothing from the HTTP APIs.',
      from: { path: '^auth/' },
      to: { path: '^api/' },
    },
    {
      name: 'connectors-use-sdk-and-lib',
      severity: 'error',
      comment:
        'A connector imports only the connector SDK (connectors/sdk/), its own folder and lib/, so it can live on its own.',
      from: { path: '^connectors/([^/]+)/' },
      to: {
        path: '^(api|auth|workflows|activities|db|runtime|scripts|workers|examples|test|connectors)/',
        pathNot: '^connectors/(sdk|$1)/',
      },
    },
    {
      name: 'workflows-stay-in-the-sandbox',
      severity: 'error',
      comment:
        "Workflow code runs in Temporal's deterministic sandbox: it imports no servers, models or connectors (only types from activities/).",
      from: { path: '^workflows/' },
      to: { path: '^(api|auth|db|connectors)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|\\.data|coverage|test-artifacts)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
