import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testEngine } from "../test/database.ts";
import { seedTenant, type Tenant } from "../test/tenants.ts";
import type { Database } from "./engine.ts";
import { purgeExpired } from "./maintenance.ts";

const NOW = new Date("2026-11-27T12:00:00Z");
const hours = (count: number) => new Date(NOW.getTime() + count * 3_600_000);
const days = (count: number) => hours(24 * count);
const hex = (char: string) => char.repeat(64);

describe(`purging what has expired (${testEngine})`, () => {
  let database: Database;
  let tenant: Tenant;
  beforeAll(async () => {
    database = await createTestDatabase();
    tenant = await seedTenant(database.owner, "A", "213400");
    await database.owner.deleteFrom("sessions").execute();
    await database.owner.deleteFrom("outbox_emails").execute();
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
    await database.owner
      .insertInto("throttle_hits")
      .values([
        { key_hash: hex("e"), window_start: hours(-30), hits: 2 },
        { key_hash: hex("e"), window_start: hours(0), hits: 1 },
      ])
      .execute();
    // Sent 31 days ago (purged), dead 29 days ago (kept), pending 40 days ago (kept: still due).
    await database.owner
      .insertInto("outbox_emails")
      .values([
        {
          kind: "test",
          to_address: "x@example.test",
          subject: "s",
          text_body: "t",
          status: "sent",
          created_at: days(-31),
        },
        {
          kind: "test",
          to_address: "x@example.test",
          subject: "s",
          text_body: "t",
          status: "dead",
          created_at: days(-29),
        },
        { kind: "test", to_address: "x@example.test", subject: "s", text_body: "t", created_at: days(-40) },
      ])
      .execute();
    await database.owner
      .insertInto("audit_events")
      .values([
        { action: "sign_in.failed", subject: "ancien", ip_address: "192.0.2.1", created_at: days(-366) },
        { action: "sign_in.failed", subject: "récent", ip_address: "192.0.2.2", created_at: days(-364) },
      ])
      .execute();
  });
  afterAll(() => database.close());

  it("deletes what ended, erases old audit IPs, and keeps the rest", async () => {
    expect(await purgeExpired(database.owner, NOW)).toEqual({
      sessions: 1,
      auditIpsErased: 1,
      loginTokens: 1,
      throttleHits: 1,
      outboxEmails: 1,
    });
    expect(await database.owner.selectFrom("sessions").select("id").execute()).toEqual([{ id: hex("b") }]);
    expect(await database.owner.selectFrom("login_tokens").select("token_hash").execute()).toEqual([
      { token_hash: hex("d") },
    ]);
    expect(await database.owner.selectFrom("outbox_emails").select("status").orderBy("status").execute()).toEqual([
      { status: "dead" },
      { status: "pending" },
    ]);
    expect(
      await database.owner
        .selectFrom("audit_events")
        .select(["subject", "ip_address"])
        .where("action", "=", "sign_in.failed")
        .orderBy("subject")
        .execute(),
    ).toEqual([
      { subject: "ancien", ip_address: null },
      { subject: "récent", ip_address: "192.0.2.2" },
    ]);
    expect(await purgeExpired(database.owner, NOW)).toEqual({
      sessions: 0,
      auditIpsErased: 0,
      loginTokens: 0,
      throttleHits: 0,
      outboxEmails: 0,
    });
  });

  it("never lets the audit log be edited or deleted, even by the owner", async () => {
    await expect(database.owner.updateTable("audit_events").set({ subject: "réécrit" }).execute()).rejects.toThrow(
      "the audit log cannot be edited",
    );
    await expect(database.owner.deleteFrom("audit_events").execute()).rejects.toThrow("the audit log cannot be edited");
  });
});
