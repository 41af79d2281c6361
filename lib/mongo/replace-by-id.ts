// Replacing many documents by id, in commands small enough for FerretDB v1 on SQLite.
//
// FerretDB v1.24 keeps the SQL cursor of every statement of an `update` command that matched a
// document open until the whole command ends, and each matched statement then needs one more
// connection for its write. Its SQLite pool holds 100 connections per database, so one command
// of about 100 matching replaceOnes waits for a connection that it holds itself: the database
// then answers `ping` but no query, until FerretDB is restarted. Every bulk replace of the
// platform goes through here, in commands of at most STATEMENTS_PER_COMMAND statements, one at a
// time, which keeps a command's share of the pool small.
import type { mongo } from 'mongoose';

/** Statements per `update` command: a command holds at most this many connections plus one. */
const STATEMENTS_PER_COMMAND = 10;

interface Identified {
  _id: string;
}

/**
 * Replace each document by `_id`, inserting the missing ones, in commands of at most
 * `STATEMENTS_PER_COMMAND` statements sent one after the other. Returns how many were written.
 */
export async function replaceManyById<T extends Identified>(
  collection: Pick<mongo.Collection<T>, 'bulkWrite'>,
  docs: readonly T[],
): Promise<number> {
  for (let i = 0; i < docs.length; i += STATEMENTS_PER_COMMAND) {
    const ops = docs.slice(i, i + STATEMENTS_PER_COMMAND).map((doc): mongo.AnyBulkWriteOperation<T> => ({
      replaceOne: {
        filter: { _id: doc._id } as mongo.Filter<T>,
        replacement: doc as mongo.WithoutId<T>,
        upsert: true,
      },
    }));
    await collection.bulkWrite(ops, { ordered: false });
  }
  return docs.length;
}
