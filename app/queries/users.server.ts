import type { Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import { deleteSessionsOfUser } from "./sessions.server.ts";

type Trx = Transaction<DB>;

/**
 * Disables a user (an operator admin of a cooperative they belong to): their
 * sessions end at once and they can no longer sign in. Never deleted.
 */
export async function disableUser(trx: Trx, userId: string, now: Date): Promise<boolean> {
  const result = await trx
    .updateTable("users")
    .set({ disabled_at: now })
    .where("id", "=", userId)
    .where("disabled_at", "is", null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  await deleteSessionsOfUser(trx, userId);
  return true;
}

/** People with a membership in the cooperative (one organisation only, when given), by name. */
export function listPeople(trx: Trx, cooperativeId: string, organisationId: string | null) {
  return trx
    .selectFrom("memberships as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .innerJoin("organisations as o", "o.id", "m.organisation_id")
    .select([
      "m.id as membershipId",
      "u.id as userId",
      "u.display_name as displayName",
      "u.email",
      "u.disabled_at as disabledAt",
      "m.role",
      "o.name as organisationName",
      "o.is_operator as organisationIsOperator",
    ])
    .where("m.cooperative_id", "=", cooperativeId)
    .$if(organisationId !== null, (qb) => qb.where("m.organisation_id", "=", organisationId as string))
    .orderBy("u.display_name")
    .orderBy("o.name")
    .execute();
}
