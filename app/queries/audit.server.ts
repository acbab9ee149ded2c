import type { Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";

type Trx = Transaction<DB>;

export const AUDIT_PAGE_SIZE = 50;

/** The cooperative's audit log, newest first, optionally one action only (its operator admins only, by RLS). */
export async function listAuditEvents(trx: Trx, query: { cooperativeId: string; action: string | null; page: number }) {
  const base = trx
    .selectFrom("audit_events as e")
    .leftJoin("users as u", "u.id", "e.actor_user_id")
    .where("e.cooperative_id", "=", query.cooperativeId)
    .$if(query.action !== null, (qb) => qb.where("e.action", "=", query.action as string));
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as("total")).executeTakeFirstOrThrow();
  const pageCount = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE));
  const page = Math.min(Math.max(1, query.page), pageCount);
  const rows = await base
    .select([
      "e.id",
      "e.action",
      "e.subject",
      "e.details",
      "e.ip_address as ipAddress",
      "e.created_at as createdAt",
      "u.display_name as actor",
    ])
    .orderBy("e.created_at", "desc")
    .orderBy("e.id")
    .limit(AUDIT_PAGE_SIZE)
    .offset((page - 1) * AUDIT_PAGE_SIZE)
    .execute();
  return { rows, total, page, pageCount };
}
