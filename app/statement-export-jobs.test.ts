import { describe, expect, it, vi } from "vitest";
import { EXPORT_JOB_FAILED, type ExportWork, StatementExportJobs } from "./statement-export-jobs.server.ts";

const admin = { cooperativeId: "coop-a", userId: "admin-a" };
const otherAdminSameCooperative = { cooperativeId: "coop-a", userId: "admin-a2" };
const sameUserOtherCooperative = { cooperativeId: "coop-b", userId: "admin-a" };

/** A work that writes `total` statements when told to, and then finishes (or fails). */
function controlledWork(total: number) {
  let release: (outcome: "finish" | "fail") => void = () => {};
  const gate = new Promise<"finish" | "fail">((resolve) => {
    release = resolve;
  });
  let reported: ((done: number) => void) | null = null;
  const work: ExportWork = async (progress) => {
    reported = progress;
    if ((await gate) === "fail") throw new Error("connection lost");
    for (let done = 1; done <= total; done++) progress(done);
    return new TextEncoder().encode("fichier");
  };
  return {
    work,
    /** Reports progress once the work has started (it starts on the turn after `start`). */
    progress: (done: number) => {
      if (!reported) throw new Error("not started yet");
      reported(done);
    },
    finish: () => release("finish"),
    fail: () => release("fail"),
  };
}

function registry(now = { value: 0 }) {
  return new StatementExportJobs({ now: () => now.value, keepFinishedMs: 1000, perOwner: 2, onError: vi.fn() });
}

describe("statement export jobs", () => {
  it("start at once with their total, report progress, and give the file to their owner when done", async () => {
    const jobs = registry();
    const run = controlledWork(3);
    const started = jobs.start(admin, { year: 2026, format: "csv", total: 3 }, run.work);
    expect(started).toMatchObject({ status: "running", done: 0, total: 3, filename: "appels-de-fonds-2026.csv" });
    expect(jobs.file(admin, started.id)).toBeNull();
    await vi.waitFor(() => run.progress(2));
    expect(jobs.find(admin, started.id)).toMatchObject({ status: "running", done: 2, total: 3 });
    run.finish();
    await vi.waitFor(() => expect(jobs.find(admin, started.id)?.status).toBe("done"));
    expect(jobs.find(admin, started.id)).toMatchObject({ done: 3, error: null });
    const file = jobs.file(admin, started.id);
    expect(new TextDecoder().decode(file?.bytes)).toBe("fichier");
    expect(file).toMatchObject({ filename: "appels-de-fonds-2026.csv", contentType: "text/csv; charset=utf-8" });
  });

  it("are seen by no one else: not another admin of the cooperative, not the same person for another cooperative", async () => {
    const jobs = registry();
    const run = controlledWork(1);
    const started = jobs.start(admin, { year: 2026, format: "xlsx", total: 1 }, run.work);
    run.finish();
    await vi.waitFor(() => expect(jobs.find(admin, started.id)?.status).toBe("done"));
    for (const someoneElse of [otherAdminSameCooperative, sameUserOtherCooperative]) {
      expect(jobs.find(someoneElse, started.id)).toBeNull();
      expect(jobs.file(someoneElse, started.id)).toBeNull();
      expect(jobs.list(someoneElse)).toEqual([]);
    }
    expect(jobs.list(admin).map((job) => job.id)).toEqual([started.id]);
    expect(jobs.find(admin, "not-a-job")).toBeNull();
  });

  it("give back the running job when the same export is started again (a double click)", () => {
    const jobs = registry();
    const first = jobs.start(admin, { year: 2026, format: "csv", total: 3 }, controlledWork(3).work);
    const again = jobs.start(admin, { year: 2026, format: "csv", total: 3 }, controlledWork(3).work);
    expect(again.id).toBe(first.id);
    const other = jobs.start(admin, { year: 2026, format: "xlsx", total: 3 }, controlledWork(3).work);
    expect(other.id).not.toBe(first.id);
  });

  it("say in French when the file could not be written, and log the cause", async () => {
    const onError = vi.fn();
    const jobs = new StatementExportJobs({ onError });
    const run = controlledWork(2);
    const started = jobs.start(admin, { year: 2026, format: "csv", total: 2 }, run.work);
    run.fail();
    await vi.waitFor(() => expect(jobs.find(admin, started.id)?.status).toBe("failed"));
    expect(jobs.find(admin, started.id)?.error).toBe(EXPORT_JOB_FAILED);
    expect(jobs.file(admin, started.id)).toBeNull();
    expect(onError).toHaveBeenCalledWith(new Error("connection lost"));
  });

  it("are forgotten some time after they finish; a running one is kept", async () => {
    const now = { value: 0 };
    const jobs = registry(now);
    const finished = controlledWork(1);
    const done = jobs.start(admin, { year: 2025, format: "csv", total: 1 }, finished.work);
    const running = jobs.start(admin, { year: 2026, format: "csv", total: 1 }, controlledWork(1).work);
    finished.finish();
    await vi.waitFor(() => expect(jobs.find(admin, done.id)?.status).toBe("done"));
    now.value = 999;
    expect(jobs.find(admin, done.id)).not.toBeNull();
    now.value = 1000;
    expect(jobs.find(admin, done.id)).toBeNull();
    now.value = 1_000_000;
    expect(jobs.find(admin, running.id)?.status).toBe("running");
  });

  it("keep a few per person: the oldest finished goes first; with as many running, a new one is refused", async () => {
    const now = { value: 0 };
    const jobs = registry(now);
    const first = controlledWork(1);
    const oldest = jobs.start(admin, { year: 2024, format: "csv", total: 1 }, first.work);
    first.finish();
    await vi.waitFor(() => expect(jobs.find(admin, oldest.id)?.status).toBe("done"));
    jobs.start(admin, { year: 2025, format: "csv", total: 1 }, controlledWork(1).work);
    jobs.start(admin, { year: 2026, format: "csv", total: 1 }, controlledWork(1).work);
    expect(jobs.find(admin, oldest.id)).toBeNull();
    expect(() => jobs.start(admin, { year: 2026, format: "xlsx", total: 1 }, controlledWork(1).work)).toThrow(
      "Vous avez déjà 2 exports en cours",
    );
    // Someone else is not held back by this admin's jobs.
    expect(
      jobs.start(otherAdminSameCooperative, { year: 2026, format: "xlsx", total: 1 }, controlledWork(1).work).status,
    ).toBe("running");
  });
});
