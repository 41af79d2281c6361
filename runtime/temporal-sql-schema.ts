// The Temporal server's two PostgreSQL databases (persistence and SQL visibility), created and
// brought to the schema of the server version we run with Temporal's own SQL tool. Safe on every
// start: creating an existing database is a no-op, and so is upgrading a current schema.
import { spawn } from 'node:child_process';
import { StartupError } from '../lib/errors.js';

export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432';

export interface TemporalDatabases {
  /** Workflow histories, task queues, namespaces (the "default store"). */
  main: string;
  /** SQL visibility: what List/Count workflow queries and the UI search. */
  visibility: string;
}

export const DEFAULT_TEMPORAL_DATABASES: TemporalDatabases = {
  main: 'temporal',
  visibility: 'temporal_visibility',
};

interface PostgresEndpoint {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** Host, port and credentials of a `postgres://user:password@host:port[/db]` URL. */
export function postgresEndpoint(url: string = DEFAULT_POSTGRES_URL): PostgresEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StartupError('the PostgreSQL URL for Temporal is not a valid postgres:// URL');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:')
    throw new StartupError(
      `the PostgreSQL URL for Temporal must start with postgres://, not ${parsed.protocol}//`,
    );
  return {
    host: parsed.hostname || '127.0.0.1',
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username || 'postgres'),
    password: decodeURIComponent(parsed.password),
  };
}

interface TemporalSchemaOptions {
  /** The temporal-sql-tool binary (runtime/tools.ts TEMPORAL_SQL_TOOL). */
  sqlTool: string;
  postgresUrl?: string;
  databases?: TemporalDatabases;
  progress?: (line: string) => void;
}

/**
 * Create both databases if missing and upgrade their schemas to the versions embedded in the SQL
 * tool (the same server version as the server binary). `setup-schema -v 0.0` only creates the
 * version tables and records 0.0 when no version is recorded yet; `update-schema` then applies
 * each versioned step not yet applied.
 */
export async function ensureTemporalSchemas(o: TemporalSchemaOptions): Promise<void> {
  const db = o.databases ?? DEFAULT_TEMPORAL_DATABASES;
  const endpoint = postgresEndpoint(o.postgresUrl);
  for (const [database, schema] of [
    [db.main, 'postgresql/v12/temporal'],
    [db.visibility, 'postgresql/v12/visibility'],
  ] as const) {
    o.progress?.(`Temporal schema ${schema} in database ${database}`);
    const run = (...args: string[]) => runSqlTool(o.sqlTool, endpoint, database, args);
    // The tool connects to this database to create the new one.
    await run('create-database', '--defaultdb', 'postgres');
    await run('setup-schema', '-v', '0.0');
    await run('update-schema', '--schema-name', schema);
  }
}

/** Drop both databases (tests); missing ones are fine. */
export async function dropTemporalDatabases(o: TemporalSchemaOptions): Promise<void> {
  const db = o.databases ?? DEFAULT_TEMPORAL_DATABASES;
  await dropPostgresDatabases({ ...o, databases: [db.main, db.visibility] });
}

/** Drop databases (a test's or a benchmark's cluster, afterwards); missing ones are fine. */
export async function dropPostgresDatabases(o: {
  sqlTool: string;
  postgresUrl?: string;
  databases: string[];
}): Promise<void> {
  const endpoint = postgresEndpoint(o.postgresUrl);
  for (const database of o.databases)
    await runSqlTool(o.sqlTool, endpoint, database, ['drop-database', '--defaultdb', 'postgres', '--force']);
}

/**
 * Create one more database on the same server if missing (FerretDB's, in the cluster profile),
 * with the same tool, so the platform needs no PostgreSQL client of its own.
 */
export async function ensurePostgresDatabase(o: {
  sqlTool: string;
  postgresUrl?: string;
  database: string;
}): Promise<void> {
  await runSqlTool(o.sqlTool, postgresEndpoint(o.postgresUrl), o.database, [
    'create-database',
    '--defaultdb',
    'postgres',
  ]);
}

function runSqlTool(
  tool: string,
  endpoint: PostgresEndpoint,
  database: string,
  args: string[],
): Promise<void> {
  const fullArgs = [
    '--endpoint',
    endpoint.host,
    '--port',
    String(endpoint.port),
    '--user',
    endpoint.user,
    '--plugin',
    'postgres12',
    '--database',
    database,
    ...args,
  ];
  return new Promise((resolve, reject) => {
    // The password goes in the environment (the tool reads SQL_PASSWORD), never on a command line
    // that `ps` shows to every user.
    const child = spawn(tool, fullArgs, {
      env: { ...process.env, SQL_PASSWORD: endpoint.password },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (err) => reject(new StartupError(`cannot run ${tool}: ${err.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new StartupError(
            `temporal-sql-tool ${args[0]} on database ${database} failed (exit ${code}):\n${output.trim().split('\n').slice(-5).join('\n')}`,
          ),
        );
    });
  });
}
