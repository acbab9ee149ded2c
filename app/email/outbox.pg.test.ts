import { spawn } from "node:child_process";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Database } from "../../db/engine.ts";
import { ANONYMOUS, withRequestContext } from "../../db/request-context.ts";
import { createTestDatabase, openAgain, type TestDatabase } from "../../test/database.ts";
import { startFakeResend } from "../../test/fake-resend.ts";
import { enqueueEmail } from "./outbox.server.ts";
import { resendTransport } from "./transports.server.ts";
import { deliverOne, MIN_SEND_INTERVAL_MS } from "./worker.server.ts";

const mail = (n: number) => ({
  kind: "test",
  to: `agent${n}@mairie.test`,
  subject: `Message ${n}`,
  text: `Bonjour ${n}`,
});

describe("the outbox and its worker, against a fake Resend, on PostgreSQL", () => {
  let database: TestDatabase;
  let fake: Awaited<ReturnType<typeof startFakeResend>>;
  const transport = () => resendTransport({ apiKey: "re_test", from: "Coop <coop@example.test>", baseUrl: fake.url });
  const enqueue = (count: number) =>
    withRequestContext(database.app, ANONYMOUS, async (trx) => {
      for (let n = 0; n < count; n++) await enqueueEmail(trx, mail(n));
    });
  const rows = () => database.owner.selectFrom("outbox_emails").selectAll().orderBy("created_at").execute();
  /** A mail given up is logged as an error: expected here, and checked. */
  const expectGivenUpLogs = (count: number) => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    return () => {
      const lines = logged.mock.calls.map((args) => String(args[0]));
      expect(lines).toHaveLength(count);
      for (const line of lines) expect(line).toMatch(/^Outbox: mail [0-9a-f-]{36} \(test\) not sent: /);
    };
  };

  beforeAll(async () => {
    database = await createTestDatabase({ poolSize: 4 });
  });
  afterAll(() => database.close());
  beforeEach(async () => {
    fake = await startFakeResend();
    await database.owner.deleteFrom("outbox_emails").execute();
  });
  afterEach(() => fake.close());

  it("sends nothing for a change that rolled back", async () => {
    await expect(
      withRequestContext(database.app, ANONYMOUS, async (trx) => {
        await enqueueEmail(trx, mail(1));
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await deliverOne(database.owner, transport(), { paced: false })).toBe("idle");
    expect(fake.requests).toEqual([]);
  });

  it("sends a mail once, with the row's id as idempotency key", async () => {
    await enqueue(1);
    expect(await deliverOne(database.owner, transport(), { paced: false })).toBe("sent");
    const [row] = await rows();
    expect(row).toMatchObject({ status: "sent", attempts: 1, last_error: null });
    expect(fake.requests.map((request) => request.idempotencyKey)).toEqual([row?.id]);
    expect(fake.requests[0]?.body).toMatchObject({ to: "agent0@mairie.test", subject: "Message 0", text: "Bonjour 0" });
    expect(await deliverOne(database.owner, transport(), { paced: false })).toBe("idle");
  });

  it("honours a 429's retry-after", async () => {
    await enqueue(1);
    fake.script({ status: 429, headers: { "retry-after": "120" } });
    const t0 = new Date();
    expect(await deliverOne(database.owner, transport(), { paced: false, now: () => t0 })).toBe("retry");
    const [row] = await rows();
    expect(row?.next_attempt_at.getTime()).toBe(t0.getTime() + 120_000);
    const early = new Date(t0.getTime() + 119_000);
    expect(await deliverOne(database.owner, transport(), { paced: false, now: () => early })).toBe("idle");
    const later = new Date(t0.getTime() + 120_000);
    expect(await deliverOne(database.owner, transport(), { paced: false, now: () => later })).toBe("sent");
    expect(fake.delivered.size).toBe(1);
  });

  it("delivers exactly once through a run of 500s", async () => {
    await enqueue(1);
    fake.script({ status: 500 }, { status: 502 }, { status: 503 });
    let now = Date.now();
    const results: string[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      results.push(await deliverOne(database.owner, transport(), { paced: false, now: () => new Date(now) }));
      now += 2 * 60 * 60 * 1000;
    }
    expect(results).toEqual(["retry", "retry", "retry", "sent", "idle"]);
    expect(new Set(fake.requests.map((request) => request.idempotencyKey)).size).toBe(1);
    expect(fake.delivered.size).toBe(1);
  });

  it("puts a validation error (400) into the dead letters without retrying", async () => {
    const checkLogs = expectGivenUpLogs(1);
    await enqueue(1);
    fake.script({ status: 422, body: { name: "validation_error", message: "Invalid `to` field.", statusCode: 422 } });
    expect(await deliverOne(database.owner, transport(), { paced: false })).toBe("dead");
    const [row] = await rows();
    expect(row).toMatchObject({ status: "dead", attempts: 1 });
    expect(row?.last_error).toContain("Invalid `to` field.");
    expect(
      await deliverOne(database.owner, transport(), { paced: false, now: () => new Date(Date.now() + 86_400_000) }),
    ).toBe("idle");
    expect(fake.requests).toHaveLength(1);
    checkLogs();
  });

  it("plans no retry past 24 hours (Resend forgets its keys): the row goes to the dead letters", async () => {
    const checkLogs = expectGivenUpLogs(1);
    await enqueue(1);
    // Created almost 23 hours ago: the next attempt (30 s later at least) would pass the limit.
    await sql`UPDATE outbox_emails SET created_at = now() - interval '23 hours' + interval '10 seconds'`.execute(
      database.owner,
    );
    fake.script({ status: 500 });
    expect(await deliverOne(database.owner, transport(), { paced: false })).toBe("dead");
    expect((await rows())[0]?.last_error).toContain("gave up");
    checkLogs();
  });

  it("counts a transport that throws as a failure, and sends the mail behind it", async () => {
    await enqueue(2);
    let calls = 0;
    const flaky = transport();
    const throwingOnce = {
      send: (email: Parameters<typeof flaky.send>[0], key: string) => {
        calls += 1;
        if (calls === 1) throw new Error("disque plein");
        return flaky.send(email, key);
      },
    };
    expect(await deliverOne(database.owner, throwingOnce, { paced: false })).toBe("retry");
    expect(await deliverOne(database.owner, throwingOnce, { paced: false })).toBe("sent");
    const [first, second] = await rows();
    expect(first).toMatchObject({ status: "pending", attempts: 1, last_error: "transport: disque plein" });
    expect(second).toMatchObject({ status: "sent", text_body: "", html_body: null });
  });

  it("does not send a link that expired while waiting, nor resend past 23 hours", async () => {
    const checkLogs = expectGivenUpLogs(2);
    await withRequestContext(database.app, ANONYMOUS, (trx) =>
      enqueueEmail(trx, { ...mail(1), expiresAt: new Date(Date.now() + 10 * 60_000) }),
    );
    const later = new Date(Date.now() + 11 * 60_000);
    expect(await deliverOne(database.owner, transport(), { paced: false, now: () => later })).toBe("dead");
    expect((await rows())[0]?.last_error).toContain("expired");

    await database.owner.deleteFrom("outbox_emails").execute();
    await enqueue(1);
    await sql`UPDATE outbox_emails SET attempts = 3, created_at = now() - interval '30 hours'`.execute(database.owner);
    expect(await deliverOne(database.owner, transport(), { paced: false })).toBe("dead");
    expect(fake.requests).toEqual([]);
    checkLogs();
  });

  it("keeps a mail for later when the account is refused (401/403), and gives up on a key reused with another payload", async () => {
    const checkLogs = expectGivenUpLogs(1);
    await enqueue(2);
    fake.script(
      { status: 403, body: { name: "validation_error", message: "The domain is not verified.", statusCode: 403 } },
      {
        status: 409,
        body: { name: "invalid_idempotent_request", message: "Same key, other payload.", statusCode: 409 },
      },
    );
    expect(await deliverOne(database.owner, transport(), { paced: false })).toBe("retry");
    expect(await deliverOne(database.owner, transport(), { paced: false })).toBe("dead");
    checkLogs();
  });

  it("after a worker dies between the provider's acceptance and the row's update, sends one mail", async () => {
    await enqueue(1);
    fake.script("hang");
    const worker = spawn(path.resolve("node_modules/.bin/tsx"), ["scripts/worker.ts"], {
      env: {
        ...process.env,
        DATABASE_URL: database.urls?.owner,
        RESEND_API_KEY: "re_test",
        RESEND_BASE_URL: fake.url,
        APP_MODE: "production",
        PUBLIC_URL: "https://portail.test",
      },
      stdio: "ignore",
      detached: true,
    });
    await expect.poll(() => fake.requests.length, { timeout: 30_000 }).toBe(1);
    const exited = new Promise((resolve) => worker.once("exit", resolve));
    // The whole process group: tsx runs the worker in a child process.
    process.kill(-(worker.pid as number), "SIGKILL");
    await exited;

    // Its transaction died with it: the row is pending again, with the same key.
    await expect
      .poll(() => deliverOne(database.owner, transport(), { paced: false }), { timeout: 15_000, interval: 200 })
      .toBe("sent");
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[0]?.idempotencyKey).toBe(fake.requests[1]?.idempotencyKey);
    expect(fake.delivered.size).toBe(1);
  });

  it("lets two workers share the outbox without sending a row twice, at 2 sends per second at most", async () => {
    const burst = 50;
    await enqueue(burst);
    const other = await openAgain(database);
    const drain = async (db: Database) => {
      const results: string[] = [];
      while ((results.at(-1) ?? "") !== "idle") results.push(await deliverOne(db.owner, transport()));
      if (results.some((result) => !["sent", "idle"].includes(result))) throw new Error(results.join(","));
      return results.filter((result) => result === "sent").length;
    };
    try {
      const [first, second] = await Promise.all([drain(database), drain(other)]);
      expect(first + second).toBe(burst);
      expect(first).toBeGreaterThan(0);
      expect(second).toBeGreaterThan(0);
    } finally {
      await other.close();
    }
    const keys = fake.requests.map((request) => request.idempotencyKey);
    expect(new Set(keys).size).toBe(burst);
    expect(keys).toHaveLength(burst);
    const times = fake.requests.map((request) => request.at).sort((a, b) => a - b);
    // Never 3 sends within a second (Resend's limit), a few ms of jitter allowed: the spacing is taken when a worker
    // claims its turn, and one request may reach the fake a little later than the next one's turn came. No two
    // sends closer than half the interval either (unpaced, they would be milliseconds apart).
    for (let index = 2; index < times.length; index++) {
      expect((times[index] ?? 0) - (times[index - 2] ?? 0)).toBeGreaterThanOrEqual(2 * MIN_SEND_INTERVAL_MS - 25);
    }
    for (let index = 1; index < times.length; index++) {
      expect((times[index] ?? 0) - (times[index - 1] ?? 0)).toBeGreaterThanOrEqual(MIN_SEND_INTERVAL_MS / 2);
    }
  }, 60_000);
});
