// `npm run setup`: find or build the Go servers the platform runs (skipped for a server named by
// TEMPORAL_ADDRESS or MONGODB_URI): the Temporal CLI (dev server) and FerretDB for `npm start`,
// and the Temporal server, its SQL tool and the UI server for `npm run start:cluster` (the tests
// run both profiles). `npm start`, `npm run start:cluster` and `npm test` run the same step.
import { loadConfig } from '../lib/config.js';
import { runMain } from '../lib/main.js';
import {
  FERRETDB,
  TEMPORAL_CLI,
  TEMPORAL_SERVER,
  TEMPORAL_SQL_TOOL,
  TEMPORAL_UI_SERVER,
  resolveTool,
  type ToolSpec,
} from '../runtime/tools.js';

runMain('setup', async () => {
  const cfg = loadConfig();
  const progress = (line: string) => console.log(`setup: ${line}`);
  const resolve = async (spec: ToolSpec) => {
    const t = await resolveTool(spec, progress);
    progress(`${spec.title} ${spec.version}: ${t.path} (${t.source})`);
  };
  if (cfg.temporal.embedded) {
    for (const spec of [TEMPORAL_CLI, TEMPORAL_SERVER, TEMPORAL_SQL_TOOL, TEMPORAL_UI_SERVER])
      await resolve(spec);
  } else progress(`Temporal: using ${cfg.temporal.address} (TEMPORAL_ADDRESS), nothing to build`);
  if (cfg.mongo.embedded) await resolve(FERRETDB);
  else progress('MongoDB: using MONGODB_URI, nothing to build');
  process.exit(0);
});
