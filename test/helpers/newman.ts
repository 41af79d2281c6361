// newman, Postman's command-line runner, run as a user runs it: its own process, with a client
// certificate (mTLS) and the development CA. (In the test process its script sandbox would share
// the process with Temporal workers, whose promise hooks assume their own VM contexts.)
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from './env.js';

/** The parts of newman's JSON report the tests read. */
export interface NewmanSummary {
  run: {
    failures: { error: { name: string; message: string; test?: string }; source?: { name?: string } }[];
    stats: { requests: { total: number; failed: number }; assertions: { total: number; failed: number } };
    executions: {
      item: { name: string };
      request: { url: { toString(): string } };
      response?: { code: number };
    }[];
  };
  environment: { values: { toObject(): Record<string, string> } };
}

interface JsonReport {
  run: {
    failures: NewmanSummary['run']['failures'];
    stats: NewmanSummary['run']['stats'];
    executions: {
      item: { name: string };
      request: { url: { protocol?: string; host?: string[]; port?: string; path?: string[] } };
      response?: { code: number };
    }[];
  };
  environment?: { values?: { key: string; value: string; enabled?: boolean }[] };
}

const urlText = (u: JsonReport['run']['executions'][number]['request']['url']) =>
  `${u.protocol ?? 'https'}://${(u.host ?? []).join('.')}${u.port ? `:${u.port}` : ''}/${(u.path ?? []).join('/')}`;

/** Run a collection with `newman run`; `files` are PEM paths inside `dir`. */
export function runNewman(
  files: { cert: string; key: string; ca: string; dir: string },
  options: { collection: object; environment: object; folder?: string[] },
): Promise<NewmanSummary> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'obp-newman-'));
  const collection = path.join(work, 'collection.json');
  const environment = path.join(work, 'environment.json');
  const report = path.join(work, 'report.json');
  writeFileSync(collection, JSON.stringify(options.collection));
  writeFileSync(environment, JSON.stringify(options.environment));
  const args = [
    'run',
    collection,
    '--environment',
    environment,
    ...(options.folder ?? []).flatMap((f) => ['--folder', f]),
    '--ssl-client-cert',
    files.cert,
    '--ssl-client-key',
    files.key,
    '--ssl-extra-ca-certs',
    files.ca,
    '--working-dir',
    files.dir,
    '--timeout-request',
    '15000',
    '--reporters',
    'json',
    '--reporter-json-export',
    report,
  ];
  return new Promise((resolve, reject) => {
    // Exit code 1 means failed assertions, which the report lists; only a missing report is an error.
    execFile(
      path.join(projectRoot, 'node_modules', '.bin', 'newman'),
      args,
      { cwd: work },
      (err, _out, stderr) => {
        try {
          const json = JSON.parse(readFileSync(report, 'utf8')) as JsonReport;
          const values = json.environment?.values ?? [];
          resolve({
            run: {
              failures: json.run.failures,
              stats: json.run.stats,
              executions: json.run.executions.map((e) => ({
                item: e.item,
                request: { url: { toString: () => urlText(e.request.url) } },
                ...(e.response ? { response: { code: e.response.code } } : {}),
              })),
            },
            environment: {
              values: {
                toObject: () =>
                  Object.fromEntries(values.filter((v) => v.enabled !== false).map((v) => [v.key, v.value])),
              },
            },
          });
        } catch {
          reject(new Error(`newman produced no report: ${err?.message ?? ''} ${stderr}`));
        } finally {
          rmSync(work, { recursive: true, force: true });
        }
      },
    );
  });
}

export const newmanFailures = (summary: NewmanSummary) =>
  summary.run.failures.map(
    (f) => `${f.source?.name ?? '?'}: ${f.error.test ?? f.error.name}: ${f.error.message}`,
  );
