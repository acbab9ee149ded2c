import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { issueRun, previewRun, reviewFingerprint } from "../../app/queries/statements.server.ts";
import { type Database, openDatabase } from "../../db/engine.ts";
import { type RequestContext, withRequestContext } from "../../db/request-context.ts";

// The portal's part of the statements benchmark (scripts/bench/statements.ts): computes (previewRun) and issues
// (issueRun) the runs of the cooperatives it is given, each in its own transaction under coop_app with the
// cooperative's operator admin as context, as the portal's requests do, so many cooperatives at once. Run in the
// bench's own thread, or as one of several portal processes (a worker thread each, with its own connections), as
// web processes behind a load balancer would share the cooperatives' requests.

export const YEAR = 2025;
const PUBLIC_URL = "https://portail.example";
const ISSUED_ON = `${YEAR + 1}-01-15`;

export interface CooperativeFixture {
  cooperativeId: string;
  context: RequestContext;
}

export interface IssuingStep {
  step: "preview" | "issue";
  half: 1 | 2 | null;
  fixtures: CooperativeFixture[];
}

export interface StepOutcome {
  rows: number;
  payers: number;
  statements: number;
}

async function forEach<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/**
 * Previews or issues runs. As the portal: the confirmation carries the fingerprint of what was reviewed, the issue
 * checks it. Not reviewing (BENCH_REVIEW=0), as the command line: the issue alone, which computes what it issues.
 */
export function portalIssuer(database: Database, concurrency: number, reviewing: boolean) {
  const reviewed = new Map<string, string>();
  return async ({ step, half, fixtures }: IssuingStep): Promise<StepOutcome> => {
    const outcome: StepOutcome = { rows: 0, payers: 0, statements: 0 };
    if (step === "preview") {
      if (!reviewing) return outcome;
      await forEach(fixtures, concurrency, async (fixture) => {
        const preview = await withRequestContext(database.app, fixture.context, (trx) =>
          previewRun(trx, { cooperativeId: fixture.cooperativeId, year: YEAR, half }),
        );
        if (preview.problems.length > 0) throw new Error(preview.problems.join("\n"));
        outcome.rows += preview.rows.length;
        outcome.payers += preview.payers.length;
        reviewed.set(fixture.cooperativeId, reviewFingerprint(preview.payers));
      });
      return outcome;
    }
    await forEach(fixtures, concurrency, async (fixture) => {
      const result = await withRequestContext(database.app, fixture.context, (trx) =>
        issueRun(trx, {
          cooperativeId: fixture.cooperativeId,
          year: YEAR,
          half,
          actorUserId: fixture.context.userId,
          publicUrl: PUBLIC_URL,
          issuedOn: ISSUED_ON,
          reviewed: reviewing ? (reviewed.get(fixture.cooperativeId) ?? "") : undefined,
        }),
      );
      outcome.statements += result.statements.length;
    });
    return outcome;
  };
}

/** What a portal process is started with. */
export interface PortalProcessData {
  url: string;
  appUrl: string;
  concurrency: number;
  reviewing: boolean;
}

export type PortalReply = "ready" | { done: StepOutcome } | { failed: string };

if (!isMainThread && parentPort) {
  const port = parentPort;
  const { url, appUrl, concurrency, reviewing } = workerData as PortalProcessData;
  const database = await openDatabase({ engine: "postgres", url, appUrl, poolSize: concurrency });
  const issue = portalIssuer(database, concurrency, reviewing);
  port.on("message", async (message: IssuingStep | "close") => {
    if (message === "close") {
      await database.close();
      port.close();
      return;
    }
    try {
      port.postMessage({ done: await issue(message) } satisfies PortalReply);
    } catch (error) {
      port.postMessage({
        failed: error instanceof Error ? (error.stack ?? error.message) : String(error),
      } satisfies PortalReply);
    }
  });
  port.postMessage("ready" satisfies PortalReply);
}
