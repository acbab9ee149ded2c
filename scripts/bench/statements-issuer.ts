import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { sql } from "kysely";
import { issueRun, previewRun, reviewFingerprint } from "../../app/queries/statements.server.ts";
import { type Database, openDatabase } from "../../db/engine.ts";
import { type RequestContext, withRequestContext } from "../../db/request-context.ts";

// The portal's part of the statements benchmark (scripts/bench/statements.ts): one cooperative's run computed
// (previewRun, what the admin reviews) or issued (issueRun), in its own transaction under coop_app with the
// cooperative's operator admin as context, as a request of the portal does. Run in the bench's own thread, or in a
// portal process of its own (a worker thread with its own connections), to which the bench hands requests as a
// load balancer would.

export const YEAR = 2025;
const PUBLIC_URL = "https://portail.example";
const ISSUED_ON = `${YEAR + 1}-01-15`;

export interface CooperativeFixture {
  cooperativeId: string;
  context: RequestContext;
}

/**
 * A request: the preview of a cooperative's run, or its issue. As the portal's confirmation, the issue carries the
 * fingerprint of the preview the admin read (checked against what the issue computes); without it, as the command
 * line, the issue computes what it writes.
 */
export type PortalRequest =
  | { step: "preview"; half: 1 | 2 | null; fixture: CooperativeFixture }
  | { step: "issue"; half: 1 | 2 | null; fixture: CooperativeFixture; reviewed: string | undefined };

export interface PortalOutcome {
  /** Previewed: share rows and payers computed, and the fingerprint of what was shown. */
  rows: number;
  payers: number;
  fingerprint: string | null;
  /** Issued: statements written. */
  statements: number;
}

export function portalRequests(database: Database) {
  return async (request: PortalRequest): Promise<PortalOutcome> => {
    const { fixture, half } = request;
    if (request.step === "preview") {
      const preview = await withRequestContext(database.app, fixture.context, (trx) =>
        previewRun(trx, { cooperativeId: fixture.cooperativeId, year: YEAR, half }),
      );
      if (preview.problems.length > 0) throw new Error(preview.problems.join("\n"));
      return {
        rows: preview.rows.length,
        payers: preview.payers.length,
        fingerprint: reviewFingerprint(preview.payers),
        statements: 0,
      };
    }
    const result = await withRequestContext(database.app, fixture.context, (trx) =>
      issueRun(trx, {
        cooperativeId: fixture.cooperativeId,
        year: YEAR,
        half,
        actorUserId: fixture.context.userId,
        publicUrl: PUBLIC_URL,
        issuedOn: ISSUED_ON,
        reviewed: request.reviewed,
      }),
    );
    return { rows: 0, payers: 0, fingerprint: null, statements: result.statements.length };
  };
}

/** Opens `count` connections of the pool (postgres.js connects on a first query), so that no timed work does. */
export async function openConnections(database: Database, count: number): Promise<void> {
  await Promise.all(Array.from({ length: count }, () => sql`SELECT pg_sleep(0.05)`.execute(database.app)));
}

/** What a portal process is started with. */
export interface PortalProcessData {
  url: string;
  appUrl: string;
  connections: number;
}

export type PortalMessage = { id: number; request: PortalRequest } | "close";
export type PortalReply = "ready" | { id: number; done: PortalOutcome } | { id: number; failed: string };

if (!isMainThread && parentPort) {
  const port = parentPort;
  const { url, appUrl, connections } = workerData as PortalProcessData;
  const database = await openDatabase({ engine: "postgres", url, appUrl, poolSize: connections });
  await openConnections(database, connections);
  const handle = portalRequests(database);
  port.on("message", async (message: PortalMessage) => {
    if (message === "close") {
      await database.close();
      port.close();
      return;
    }
    try {
      port.postMessage({ id: message.id, done: await handle(message.request) } satisfies PortalReply);
    } catch (error) {
      port.postMessage({
        id: message.id,
        failed: error instanceof Error ? (error.stack ?? error.message) : String(error),
      } satisfies PortalReply);
    }
  });
  port.postMessage("ready" satisfies PortalReply);
}
