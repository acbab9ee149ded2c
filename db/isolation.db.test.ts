import { type Kysely, sql, type Transaction } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testEngine } from "../test/database.ts";
import { seedTenant, showsTenant, TENANT_TABLE_SPECS, type Tenant } from "../test/tenants.ts";
import type { Database } from "./engine.ts";
import { ANONYMOUS, applyRequestContext, type RequestContext, withRequestContext } from "./request-context.ts";
import { PUBLIC_REFERENCE_TABLES } from "./rls-exceptions.ts";
import type { DB } from "./schema.ts";

class Rollback extends Error {}

interface Outcome {
  /** Rows the statement returned, or null when PostgreSQL refused it. */
  rows: unknown[] | null;
  errorCode: string | null;
}

/**
 * Runs `statement` in the attacker's request context (as coop_app), then lets
 * `inspect` look at the result as the owner, and rolls everything back so the
 * fixture stays intact for the next attack.
 */
async function attack(
  owner: Kysely<DB>,
  attacker: RequestContext,
  statement: (trx: Transaction<DB>) => Promise<unknown[]>,
  inspect: (trx: Transaction<DB>, outcome: Outcome) => Promise<void> = async () => {},
): Promise<Outcome> {
  let outcome: Outcome = { rows: null, errorCode: null };
  try {
    await owner.transaction().execute(async (trx) => {
      await applyRequestContext(trx, attacker);
      await sql`SAVEPOINT attack`.execute(trx);
      try {
        outcome = { rows: await statement(trx), errorCode: null };
      } catch (error) {
        await sql`ROLLBACK TO SAVEPOINT attack`.execute(trx);
        outcome = { rows: null, errorCode: (error as { code?: string }).code ?? String(error) };
      }
      await inspect(trx, outcome);
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  return outcome;
}

const REFUSED = "42501"; // insufficient_privilege: also what a row-level security violation raises

describe(`tenant isolation enforced by PostgreSQL (${testEngine})`, () => {
  let database: Database;
  let a: Tenant;
  let b: Tenant;

  beforeAll(async () => {
    database = await createTestDatabase({ poolSize: 1 });
    a = await seedTenant(database.owner, "A", "213400");
    b = await seedTenant(database.owner, "B", "215700");
  });
  afterAll(() => database.close());

  const pairs = () =>
    [
      [a, b],
      [b, a],
    ] as const;
  /** Who attacks the victim's rows: the attacker tenant's admin and referent, and a request without context. */
  const attackers = (attacker: Tenant): [string, RequestContext][] => [
    ["operator admin", attacker.context],
    ["referent", attacker.referentContext],
    ["no context", ANONYMOUS],
  ];

  for (const [table, spec] of Object.entries(TENANT_TABLE_SPECS)) {
    const readableByAll = table in PUBLIC_REFERENCE_TABLES;
    describe(table, () => {
      it(
        readableByAll
          ? "SELECT: public reference data, readable by every tenant and without context"
          : "SELECT: a tenant sees its own rows and none of the other's",
        async () => {
          for (const [attacker, victim] of pairs()) {
            const rows = await withRequestContext(database.app, attacker.context, async (trx) => {
              return (await sql`SELECT ${sql.raw(spec.readableColumns ?? "*")} FROM ${sql.table(table)}`.execute(trx))
                .rows;
            });
            expect(showsTenant(rows, attacker)).toBe(true);
            expect(showsTenant(rows, victim)).toBe(readableByAll);
          }
          const anonymous = await withRequestContext(database.app, ANONYMOUS, async (trx) => {
            return (await sql`SELECT ${sql.raw(spec.readableColumns ?? "*")} FROM ${sql.table(table)}`.execute(trx))
              .rows;
          });
          expect(anonymous.length > 0).toBe(readableByAll);
        },
      );

      it("INSERT: nobody creates a row belonging to the other tenant", async () => {
        for (const [attackerTenant, victim] of pairs()) {
          for (const [who, attacker] of attackers(attackerTenant)) {
            const outcome = await attack(
              database.owner,
              attacker,
              async (trx) => [await spec.insertInto(trx, victim)],
              async (trx, outcome) => {
                if (!spec.insertedRowStaysInvisible || outcome.errorCode) return;
                await applyRequestContext(trx, victim.context);
                const { rows } = await sql`SELECT * FROM ${sql.table(table)}`.execute(trx);
                expect(JSON.stringify(rows)).not.toContain("intrus");
              },
            );
            if (spec.insertedRowStaysInvisible) expect([null, REFUSED], who).toContain(outcome.errorCode);
            else expect(outcome.errorCode, who).toBe(REFUSED);
          }
        }
      });

      it("UPDATE: nobody changes the other tenant's rows, nor hands its own over", async () => {
        for (const [attackerTenant, victim] of pairs()) {
          for (const [who, attacker] of attackers(attackerTenant)) {
            const touched = await attack(database.owner, attacker, async (trx) => {
              const key = sql.ref(spec.keyColumn ?? "id");
              return (await sql`UPDATE ${sql.table(table)} SET ${key} = ${key} RETURNING *`.execute(trx)).rows;
            });
            if (touched.errorCode) expect(touched.errorCode, who).toBe(REFUSED);
            else expect(showsTenant(touched.rows ?? [], victim), who).toBe(false);

            const { moveInto } = spec;
            if (!moveInto) continue;
            const victimRows = (trx: Kysely<DB> | Transaction<DB>) =>
              sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}
                                 WHERE cooperative_id = ${victim.cooperativeId}`.execute(trx);
            const before = (await victimRows(database.owner)).rows[0]?.n;
            const moved = await attack(
              database.owner,
              attacker,
              async (trx) => {
                await moveInto(trx, victim);
                return [];
              },
              async (trx, outcome) => {
                await sql`RESET ROLE`.execute(trx);
                if (!outcome.errorCode) expect((await victimRows(trx)).rows[0]?.n, who).toBe(before);
              },
            );
            if (moved.errorCode) expect(moved.errorCode, who).toBe(REFUSED);
          }
        }
      });

      it("DELETE: nobody deletes the other tenant's rows", async () => {
        for (const [attackerTenant, victim] of pairs()) {
          for (const [who, attacker] of attackers(attackerTenant)) {
            let victimRowsBefore = "";
            const outcome = await attack(
              database.owner,
              attacker,
              async (trx) => {
                await sql`RESET ROLE`.execute(trx);
                victimRowsBefore = JSON.stringify((await sql`SELECT * FROM ${sql.table(table)}`.execute(trx)).rows);
                await applyRequestContext(trx, attacker);
                return (await sql`DELETE FROM ${sql.table(table)} RETURNING *`.execute(trx)).rows;
              },
              async (trx) => {
                await sql`RESET ROLE`.execute(trx);
                const after = (await sql`SELECT * FROM ${sql.table(table)}`.execute(trx)).rows;
                const victimRowsAfter = after.filter((row) => showsTenant([row], victim));
                expect(victimRowsAfter.length, who).toBeGreaterThan(0);
                for (const row of victimRowsAfter) expect(victimRowsBefore, who).toContain(JSON.stringify(row));
              },
            );
            if (outcome.errorCode) expect(outcome.errorCode, who).toBe(REFUSED);
            else expect(showsTenant(outcome.rows ?? [], victim), who).toBe(false);
          }
        }
      });
    });
  }

  it("a nested request transaction is refused instead of waiting forever", async () => {
    await expect(
      withRequestContext(database.app, a.context, () => withRequestContext(database.app, a.context, async () => 1)),
    ).rejects.toThrow("A request transaction is already open here");
  });

  it("a tenant's context is gone for the next transaction on the same pooled connection", async () => {
    const seenByA = await withRequestContext(database.app, a.context, (trx) =>
      trx.selectFrom("memberships").selectAll().execute(),
    );
    expect(seenByA.length).toBe(2);
    await expect(
      withRequestContext(database.app, a.context, async () => {
        throw new Error("request failed");
      }),
    ).rejects.toThrow("request failed");

    const seenWithoutContext = await withRequestContext(database.app, ANONYMOUS, async (trx) => ({
      memberships: await trx.selectFrom("memberships").selectAll().execute(),
      users: await trx.selectFrom("users").selectAll().execute(),
      settings: (
        await sql<{ cooperative: string }>`SELECT current_setting('app.cooperative_id', true) AS cooperative`.execute(
          trx,
        )
      ).rows,
    }));
    expect(seenWithoutContext.memberships).toEqual([]);
    expect(seenWithoutContext.users).toEqual([]);
    // The setting reverts to '' (not NULL) after a SET LOCAL: '' must mean "no context".
    expect(seenWithoutContext.settings[0]?.cooperative ?? "").toBe("");

    if (testEngine === "postgres") {
      // A server's pooled sessions start as coop_app: even a query outside any
      // request transaction sees nothing. (PGlite's one connection is shared with
      // the owner; there, only withRequestContext switches roles.)
      expect(await database.app.selectFrom("memberships").selectAll().execute()).toEqual([]);
    }
  });

  it("requests run as coop_app, which is neither superuser, nor BYPASSRLS, nor owner", async () => {
    const role = await withRequestContext(database.app, a.context, async (trx) => {
      const { rows } = await sql<{ current_user: string; rolsuper: boolean; rolbypassrls: boolean; owned: number }>`
        SELECT current_user, r.rolsuper, r.rolbypassrls,
               (SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid)::int AS owned
        FROM pg_roles r WHERE r.rolname = current_user`.execute(trx);
      return rows[0];
    });
    expect(role).toEqual({ current_user: "coop_app", rolsuper: false, rolbypassrls: false, owned: 0 });
    const planning = await withRequestContext(database.app, a.context, async (trx) => {
      const { rows } = await sql<{ mode: string }>`SELECT current_setting('plan_cache_mode') AS mode`.execute(trx);
      return rows[0]?.mode;
    });
    expect(planning).toBe("force_generic_plan");

    // On a server, request connections log in as coop_app: a RESET ROLE gives nothing more.
    // PGlite has one connection, its user the superuser: there the role switch is per transaction.
    const { rows } = await sql<{ session_user: string }>`SELECT session_user`.execute(database.app);
    expect(rows[0]?.session_user).toBe(testEngine === "postgres" ? "coop_app" : "postgres");
  });
});
