import type { Transaction } from "kysely";
import type { DB, MembershipRole } from "../../db/schema.ts";

type Trx = Transaction<DB>;

/** A membership of the cooperative, with what the people page shows of it. */
export function findMembership(trx: Trx, membershipId: string, cooperativeId: string) {
  return trx
    .selectFrom("memberships as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .innerJoin("organisations as o", "o.id", "m.organisation_id")
    .select([
      "m.id",
      "m.role",
      "m.user_id as userId",
      "m.organisation_id as organisationId",
      "u.display_name as displayName",
      "u.email",
      "o.name as organisationName",
      "o.is_operator as organisationIsOperator",
    ])
    .where("m.id", "=", membershipId)
    .where("m.cooperative_id", "=", cooperativeId)
    .executeTakeFirst();
}

/** Changes a membership's role; row-level security refuses (42501) what the manager may not do. */
export async function changeMembershipRole(trx: Trx, membershipId: string, role: MembershipRole): Promise<boolean> {
  const result = await trx.updateTable("memberships").set({ role }).where("id", "=", membershipId).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Removes a person from an organisation (their account stays, with its other memberships). */
export async function removeMembership(trx: Trx, membershipId: string): Promise<boolean> {
  const result = await trx.deleteFrom("memberships").where("id", "=", membershipId).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
