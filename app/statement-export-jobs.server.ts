import { randomUUID } from "node:crypto";
import { setImmediate as nextTurn } from "node:timers/promises";
import type { RequestScope } from "./context.server.ts";
import { StatementsCsvWriter } from "./domain/statement-exports/csv.ts";
import type { StatementsExportWriter } from "./domain/statement-exports/rows.ts";
import { StatementsXlsxWriter } from "./domain/statement-exports/xlsx.ts";
import { statementDocument } from "./queries/statements.server.ts";

// Whole-year exports of the statements (CSV, XLSX), built in the background of the web process while the admin
// watches their progress: decision 017.

export const STATEMENT_EXPORT_FORMATS = ["csv", "xlsx"] as const;
export type StatementExportFormat = (typeof STATEMENT_EXPORT_FORMATS)[number];

export const STATEMENT_EXPORT_CONTENT_TYPES: Record<StatementExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

/** Who may see a job: the person who started it, in the cooperative they were acting for. */
export interface ExportJobOwner {
  cooperativeId: string;
  userId: string;
}

export interface ExportJobRequest {
  year: number;
  format: StatementExportFormat;
  /** How many statements the file will hold (known when the job starts: its progress counts them). */
  total: number;
}

export interface ExportJobState {
  id: string;
  year: number;
  format: StatementExportFormat;
  status: "running" | "done" | "failed";
  /** Statements written so far, of `total`. */
  done: number;
  total: number;
  /** In French, for the admin, when it failed. */
  error: string | null;
  filename: string;
}

/** Builds a job's file, reporting how many statements are written so far. */
export type ExportWork = (progress: (done: number) => void) => Promise<Uint8Array>;

interface Job {
  state: ExportJobState;
  owner: ExportJobOwner;
  file: Uint8Array | null;
  finishedAt: number | null;
}

export class ExportJobLimitError extends Error {}

export const EXPORT_JOB_FAILED =
  "L'export n'a pas pu être produit. Relancez-le ; si l'échec se répète, signalez-le à l'équipe technique.";

/**
 * The export jobs of this process, by random id. A job is seen only by its owner (same user, same cooperative);
 * a finished job and its file are kept `keepFinishedMs` (30 minutes), then forgotten; a person keeps at most
 * `perOwner` jobs (the oldest finished ones go first; with as many still running, a new one is refused). Starting
 * the same export (year and format) while it is still running gives that job back.
 */
export class StatementExportJobs {
  readonly #jobs = new Map<string, Job>();
  readonly #now: () => number;
  readonly #keepFinishedMs: number;
  readonly #perOwner: number;
  readonly #onError: (error: unknown) => void;

  constructor(
    options: {
      now?: () => number;
      keepFinishedMs?: number;
      perOwner?: number;
      onError?: (error: unknown) => void;
    } = {},
  ) {
    this.#now = options.now ?? Date.now;
    this.#keepFinishedMs = options.keepFinishedMs ?? 30 * 60_000;
    this.#perOwner = options.perOwner ?? 5;
    this.#onError =
      options.onError ??
      ((error) => console.error("Statements export failed:", error instanceof Error ? error.message : error));
  }

  /** Starts `work` in the background (from the next turn of the event loop) and returns the job's state at once. */
  start(owner: ExportJobOwner, request: ExportJobRequest, work: ExportWork): ExportJobState {
    this.#forgetExpired();
    const mine = [...this.#jobs.values()].filter((job) => sameOwner(job.owner, owner));
    const same = mine.find(
      (job) => job.state.status === "running" && job.state.year === request.year && job.state.format === request.format,
    );
    if (same) return { ...same.state };
    const finished = mine
      .filter((job) => job.finishedAt !== null)
      .sort((a, b) => (a.finishedAt ?? 0) - (b.finishedAt ?? 0));
    while (mine.length >= this.#perOwner && finished.length > 0) {
      const oldest = finished.shift() as Job;
      this.#jobs.delete(oldest.state.id);
      mine.splice(mine.indexOf(oldest), 1);
    }
    if (mine.length >= this.#perOwner) {
      throw new ExportJobLimitError(
        `Vous avez déjà ${mine.length} exports en cours : attendez qu'ils se terminent avant d'en lancer un autre.`,
      );
    }
    const job: Job = {
      owner: { ...owner },
      file: null,
      finishedAt: null,
      state: {
        id: randomUUID(),
        year: request.year,
        format: request.format,
        status: "running",
        done: 0,
        total: request.total,
        error: null,
        filename: `appels-de-fonds-${request.year}.${request.format}`,
      },
    };
    this.#jobs.set(job.state.id, job);
    void this.#run(job, work);
    return { ...job.state };
  }

  /** The job's state, or null when it does not exist, has expired or is someone else's. */
  find(owner: ExportJobOwner, id: string): ExportJobState | null {
    const job = this.#owned(owner, id);
    return job ? { ...job.state } : null;
  }

  /** The owner's jobs, latest first. */
  list(owner: ExportJobOwner): ExportJobState[] {
    this.#forgetExpired();
    return [...this.#jobs.values()]
      .filter((job) => sameOwner(job.owner, owner))
      .reverse()
      .map((job) => ({ ...job.state }));
  }

  /** The finished job's file, or null (not found, someone else's, not finished). */
  file(owner: ExportJobOwner, id: string): { bytes: Uint8Array; filename: string; contentType: string } | null {
    const job = this.#owned(owner, id);
    if (!job?.file) return null;
    return {
      bytes: job.file,
      filename: job.state.filename,
      contentType: STATEMENT_EXPORT_CONTENT_TYPES[job.state.format],
    };
  }

  #owned(owner: ExportJobOwner, id: string): Job | null {
    this.#forgetExpired();
    const job = this.#jobs.get(id);
    return job && sameOwner(job.owner, owner) ? job : null;
  }

  async #run(job: Job, work: ExportWork): Promise<void> {
    try {
      // Not in the caller's turn: the request that started the job answers first.
      await nextTurn();
      const file = await work((done) => {
        job.state.done = done;
      });
      job.file = file;
      job.state.done = job.state.total;
      job.state.status = "done";
    } catch (error) {
      this.#onError(error);
      job.state.status = "failed";
      job.state.error = EXPORT_JOB_FAILED;
    } finally {
      job.finishedAt = this.#now();
    }
  }

  #forgetExpired(): void {
    const now = this.#now();
    for (const [id, job] of this.#jobs) {
      if (job.finishedAt !== null && now - job.finishedAt >= this.#keepFinishedMs) this.#jobs.delete(id);
    }
  }
}

function sameOwner(a: ExportJobOwner, b: ExportJobOwner): boolean {
  return a.cooperativeId === b.cooperativeId && a.userId === b.userId;
}

/** Statements read per transaction: short transactions, so that other requests get the connection in between. */
export const STATEMENTS_PER_READ = 25;

/**
 * The portal's export work: reads the statements a few at a time, each batch in its own short transaction of the
 * admin's scope (row-level security applies as in their request), writes them one by one and gives the event loop
 * a turn after each, so that a long export delays a request by one statement at most.
 */
export function exportStatements(
  scope: RequestScope,
  format: StatementExportFormat,
  statementIds: readonly string[],
): ExportWork {
  return async (progress) => {
    const writer: StatementsExportWriter = format === "csv" ? new StatementsCsvWriter() : new StatementsXlsxWriter();
    let done = 0;
    for (let start = 0; start < statementIds.length; start += STATEMENTS_PER_READ) {
      const ids = statementIds.slice(start, start + STATEMENTS_PER_READ);
      const documents = await scope.transaction(async (trx) => {
        const read = [];
        for (const id of ids) read.push(await statementDocument(trx, id));
        return read;
      });
      for (const document of documents) {
        if (!document) throw new Error("a statement of the export is no longer visible");
        writer.add(document);
        progress(++done);
        await nextTurn();
      }
    }
    return writer.finish();
  };
}
