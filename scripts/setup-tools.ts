// `npm run setup`: find or build the Temporal CLI and FerretDB (skipped for a server named by
// TEMPORAL_ADDRESS or MONGODB_URI). `npm start` and `npm test` run the same step.
import { loadConfig } from '../lib/config.js';
import { runMain } from '../lib/main.js';
import { FERRETDB, TEMPORAL_CLI, resolveTool } from '../runtime/tools.js';

runMain('setup', async () => {
  const cfg = loadConfig();
  const progress = (line: string) => console.log(`setup: ${line}`);
  if (cfg.temporal.embedded) {
    const t = await resolveTool(TEMPORAL_CLI, progress);
    progress(`Temporal CLI ${TEMPORAL_CLI.version}: ${t.path} (${t.source})`);
  } else progress(`Temporal: using ${cfg.temporal.address} (TEMPORAL_ADDRESS), nothing to build`);
  if (cfg.mongo.embedded) {
    const f = await resolveTool(FERRETDB, progress);
    progress(`FerretDB ${FERRETDB.version}: ${f.path} (${f.source})`);
  } else progress('MongoDB: using MONGODB_URI, nothing to build');
  process.exit(0);
});
