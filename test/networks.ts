import type { Kysely } from "kysely";
import type { RequestContext } from "../db/request-context.ts";
import type { DB } from "../db/schema.ts";
import { sirenFrom, type Tenant } from "./tenants.ts";

/**
 * A second commune of the tenant that joins its thematic network (an active subscription since 2026), with a
 * referent, "Référente deux" (referent2@<prefix>.test): its id, its user and the referent's request context.
 */
export async function addNetworkMember(
  owner: Kysely<DB>,
  tenant: Tenant,
  sirenPrefix: string,
): Promise<{ communeId: string; referentUserId: string; referentContext: RequestContext }> {
  const commune = await owner
    .insertInto("organisations")
    .values({
      cooperative_id: tenant.cooperativeId,
      kind: "commune",
      siren: sirenFrom(`${sirenPrefix}22`),
      insee_code: `${sirenPrefix.slice(0, 2)}002`,
      name: "Deuxième commune",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const referent = await owner
    .insertInto("users")
    .values({ email: `referent2@${sirenPrefix}.test`, display_name: "Référente deux" })
    .returning("id")
    .executeTakeFirstOrThrow();
  await owner
    .insertInto("memberships")
    .values({
      user_id: referent.id,
      organisation_id: commune.id,
      cooperative_id: tenant.cooperativeId,
      role: "referent",
    })
    .execute();
  const { offer_id } = await owner
    .selectFrom("networks")
    .select("offer_id")
    .where("id", "=", tenant.networkId)
    .executeTakeFirstOrThrow();
  await owner
    .insertInto("subscriptions")
    .values({
      cooperative_id: tenant.cooperativeId,
      organisation_id: commune.id,
      offer_id,
      starts_on: "2026-01-01",
    })
    .execute();
  return {
    communeId: commune.id,
    referentUserId: referent.id,
    referentContext: {
      userId: referent.id,
      cooperativeId: tenant.cooperativeId,
      organisationId: commune.id,
      role: "referent",
    },
  };
}

/** What a refused call said: the French message of an error of `refusal`'s class, or the SQLSTATE of another. */
export async function refusal(work: Promise<unknown>, expected: new (...args: never[]) => Error): Promise<string> {
  try {
    await work;
  } catch (error) {
    if (error instanceof expected) return error.message;
    return (error as { code?: string }).code ?? String(error);
  }
  throw new Error("expected a refusal");
}
