import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testEngine } from "../test/database.ts";
import { seedTenant, type Tenant } from "../test/tenants.ts";
import type { Database } from "./engine.ts";
import { purgeExpired } from "./maintenance.ts";

const NOW = new Date("2026-11-27T12:00:00Z");
const hours = (count: number) => new Date(NOW.getTime() + count * 3_600_000);
const hex = (char: string) => char.repeat(64);

describe(`purging what has expired (${testEngine})`, () => {
  let database: Database;
  let tenant: Tenant;
  beforeAll(async () => {
    database = await createTestDatabase();
    tenant = await seedTenant(database.owner, "A", "213400");
    await database.owner.deleteFrom("sessions").execute();
    await database.owner
      .insertInto("sessions")
      .values([
        { id: hex("a"), user_id: tenant.adminUserId, expires_at: hours(-1) },
        { id: hex("b"), user_id: tenant.adminUserId, expires_at: hours(1) },
      ])
      .execute();
    await database.owner
      .insertInto("login_tokens")
      .values([
        { token_hash: hex("c"), user_id: tenant.adminUserId, purpose: "sign_in", expires_at: hours(-25) },
        { token_hash: hex("d"), user_id: tenant.adminUserId, purpose: "sign_in", expires_at: hours(-1) },
      ])
      .execute();
    await database.owner.deleteFrom("outbox_emails").execute();
    await database.owner
      .insertInto("outbox_emails")
      .values(
        (["sent", "dead", "pending"] as const).map((status, index) => ({
          kind: "test",
          to_address: "x@example.test",
          subject: "s",
          text_body: "t",
          status,
          // The sent one is 31 days old; the dead one 29; the pending one, 40 but still due.
          created_at: hours(-24 * [31, 29, 40][index]!),
        })),
      )
      .execute();
    await database.owner
      .insertInto("throttle_hits")
      .values([
        { key_hash: hex("e"), window_start: hours(-30), hits: 2 },
        { key_hash: hex("e"), window_start: hours(0), hits: 1 },
      ])
      .execute();
  });
  afterAll(() => database.close());

  it("deletes ended sessions, day-old links and past attempt windows, and keeps the rest", async () => {
    expect(await purgeExpired(database.owner, NOW)).toEqual({
      sessions: 1,
      loginTokens: 1,
      throttleHits: 1,
      outboxEmails: 1,
    });
    expect(await database.owner.selectFrom("sessions").select("id").execute()).toEqual([{ id: hex("b") }]);
    expect(await database.owner.selectFrom("login_tokens").select("token_hash").execute()).toEqual([
      { token_hash: hex("d") },
    ]);
    expect(await purgeExpired(database.owner, NOW)).toEqual({
      sessions: 0,
      loginTokens: 0,
      throttleHits: 0,
      outboxEmails: 0,
    });
  });
});
