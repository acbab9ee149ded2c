import { createHash } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testEngine } from "../test/database.ts";
import { seedTenant, type Tenant } from "../test/tenants.ts";
import type { Database } from "./engine.ts";
import { ANONYMOUS, withRequestContext } from "./request-context.ts";
import { KEYED_TABLES } from "./rls-exceptions.ts";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe(`keyed tables: a row shows only to whoever presents its key (${testEngine})`, () => {
  let database: Database;
  let a: Tenant;
  const tokenHash = sha256("jeton");
  const throttleKey = sha256("account:someone");

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await seedTenant(database.owner, "A", "213400");
    await database.owner
      .insertInto("login_tokens")
      .values({
        token_hash: tokenHash,
        user_id: a.referentUserId,
        purpose: "sign_in",
        expires_at: new Date(Date.now() + 600_000),
      })
      .execute();
    await database.owner
      .insertInto("throttle_hits")
      .values({ key_hash: throttleKey, window_start: new Date(), hits: 3 })
      .execute();
  });
  afterAll(() => database.close());

  it("covers every keyed table", () => {
    expect(Object.keys(KEYED_TABLES).sort()).toEqual(["login_tokens", "throttle_hits"]);
  });

  it("shows nothing without the key, whatever the context, even the token owner's", async () => {
    for (const context of [ANONYMOUS, a.context, a.referentContext]) {
      for (const table of Object.keys(KEYED_TABLES)) {
        const rows = await withRequestContext(database.app, context, async (trx) => {
          return (await sql`SELECT * FROM ${sql.table(table)}`.execute(trx)).rows;
        });
        expect(rows, `${table}`).toEqual([]);
      }
    }
  });

  it("shows the one row whose key is presented, and no other", async () => {
    const token = await withRequestContext(
      database.app,
      ANONYMOUS,
      (trx) => trx.selectFrom("login_tokens").select("token_hash").execute(),
      { tokenHash },
    );
    expect(token).toEqual([{ token_hash: tokenHash }]);
    const other = await withRequestContext(
      database.app,
      ANONYMOUS,
      (trx) => trx.selectFrom("login_tokens").select("token_hash").execute(),
      { tokenHash: sha256("autre") },
    );
    expect(other).toEqual([]);
    const hits = await withRequestContext(
      database.app,
      ANONYMOUS,
      (trx) => trx.selectFrom("throttle_hits").select("hits").execute(),
      { throttleKey },
    );
    expect(hits).toEqual([{ hits: 3 }]);
  });

  it("refuses a link created for someone other than the user found", async () => {
    const attempt = withRequestContext(
      database.app,
      { ...ANONYMOUS, userId: a.adminUserId },
      (trx) =>
        trx
          .insertInto("login_tokens")
          .values({
            token_hash: sha256("forgé"),
            user_id: a.referentUserId,
            purpose: "sign_in",
            expires_at: new Date(Date.now() + 600_000),
          })
          .execute(),
      { tokenHash: sha256("forgé") },
    );
    await expect(attempt).rejects.toMatchObject({ code: "42501" });
  });
});
