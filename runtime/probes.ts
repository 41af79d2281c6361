// How the supervisor asks each child whether it is ready, each with a deadline: an HTTP component
// by its /readyz (the failing checks are the reason), the database by a real read (FerretDB was
// seen answering ping while every query hung), Temporal by DescribeNamespace.
import http from 'node:http';
import https from 'node:https';
import type { Connection } from '@temporalio/client';
import mongoose from 'mongoose';
import type { TemporalConfig } from '../lib/config.js';
import { connectClient } from '../lib/temporal.js';
import type { Readiness } from './supervisor.js';

interface ReadyzBody {
  checks?: { name?: string; status?: string; error?: string }[];
}

/** GET /readyz on loopback. The certificate is not checked: this is a local probe, not a client. */
export function httpReadiness(scheme: 'http' | 'https', port: number, timeoutMs = 4000): Promise<Readiness> {
  return new Promise((resolve) => {
    const get = scheme === 'https' ? https.get : http.get;
    const req = get(
      { host: '127.0.0.1', port, path: '/readyz', rejectUnauthorized: false, timeout: timeoutMs },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d.slice(0, 4096)));
        res.on('end', () => {
          if (res.statusCode === 200) return resolve({ ready: true });
          resolve({ ready: false, reason: `/readyz ${res.statusCode}: ${failingChecks(body)}` });
        });
        res.on('error', (err) => resolve({ ready: false, reason: err.message }));
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) =>
      resolve({ ready: false, reason: err.code ?? err.message }),
    );
    req.on('timeout', () => req.destroy(new Error(`/readyz gave no answer within ${timeoutMs} ms`)));
  });
}

function failingChecks(body: string): string {
  try {
    const { checks = [] } = JSON.parse(body) as ReadyzBody;
    const failing = checks.filter((c) => c.status !== 'ok');
    if (failing.length) return failing.map((c) => `${c.name}: ${c.error ?? c.status}`).join('; ');
  } catch {
    // not JSON: say what came
  }
  return body.slice(0, 200) || 'no body';
}

export interface Probe {
  probe(): Promise<Readiness>;
  close(): Promise<void>;
}

/**
 * A real read with a deadline: a find by _id on one of the database's collections, which on
 * FerretDB's SQLite backend is a query on that collection's table (a missing collection is not).
 * An empty database has nothing to read yet: reaching the server is all there is to ask.
 */
export function databaseReadiness(uri: string, database: string, timeoutMs = 3000): Probe {
  const client = new mongoose.mongo.MongoClient(uri, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    socketTimeoutMS: timeoutMs,
    maxPoolSize: 2,
    retryReads: false,
    retryWrites: false,
  });
  let collection: string | undefined;
  return {
    async probe() {
      const db = client.db(database);
      collection ??= (await db.listCollections({}, { nameOnly: true }).toArray())
        .map((c) => c.name)
        .sort()[0];
      if (collection) {
        await db
          .collection(collection)
          .findOne({ _id: 'readiness-probe' as never }, { maxTimeMS: timeoutMs });
      } else {
        await db.command({ ping: 1 });
      }
      return { ready: true };
    },
    close: () => client.close(true),
  };
}

/** DescribeNamespace with a deadline, on one connection kept for the probe's life. */
export function temporalReadiness(cfg: TemporalConfig, timeoutMs = 3000): Probe {
  let connection: Connection | undefined;
  return {
    async probe() {
      connection ??= await connectClient(cfg, timeoutMs);
      const c = connection;
      await c.withDeadline(Date.now() + timeoutMs, () =>
        c.workflowService.describeNamespace({ namespace: cfg.namespace }),
      );
      return { ready: true };
    },
    close: async () => void (await connection?.close()),
  };
}
