// newman, Postman's command-line runner, driven through its programmatic API with a client
// certificate (mTLS) and the development CA.
import { createRequire } from 'node:module';

// newman ships no types: the part of its programmatic API the tests use.
interface VariableList {
  toObject(): Record<string, string>;
}
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
  environment: { values: VariableList };
}
interface Newman {
  run(
    options: Record<string, unknown>,
    callback: (err: Error | null, summary: NewmanSummary) => void,
  ): unknown;
}
const newman = createRequire(import.meta.url)('newman') as Newman;

/** Run a collection; `files` are PEM paths inside `dir`, where newman is allowed to read them. */
export function runNewman(
  files: { cert: string; key: string; ca: string; dir: string },
  options: Record<string, unknown>,
): Promise<NewmanSummary> {
  return new Promise((resolve, reject) =>
    newman.run(
      {
        sslClientCert: files.cert,
        sslClientKey: files.key,
        sslExtraCaCerts: files.ca,
        // Newman reads the certificate files through its file resolver, confined to this directory.
        workingDir: files.dir,
        timeoutRequest: 15_000,
        ...options,
      },
      (err, summary) => (err ? reject(err) : resolve(summary)),
    ),
  );
}

export const newmanFailures = (summary: NewmanSummary) =>
  summary.run.failures.map(
    (f) => `${f.source?.name ?? '?'}: ${f.error.test ?? f.error.name}: ${f.error.message}`,
  );
