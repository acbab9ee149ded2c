import type { Transaction } from "kysely";
import type { DB, NotificationDelivery } from "../../db/schema.ts";
import type { NotificationKind } from "../domain/notifications.ts";

type Trx = Transaction<DB>;

/** The choices a user made (kinds without a row take the default). */
export async function preferencesOf(trx: Trx, userId: string): Promise<Partial<Record<string, NotificationDelivery>>> {
  const rows = await trx
    .selectFrom("notification_preferences")
    .select(["kind", "delivery"])
    .where("user_id", "=", userId)
    .execute();
  return Object.fromEntries(rows.map((row) => [row.kind, row.delivery]));
}

export async function savePreferences(
  trx: Trx,
  userId: string,
  choices: Partial<Record<NotificationKind, NotificationDelivery>>,
  now: Date,
): Promise<void> {
  for (const [kind, delivery] of Object.entries(choices)) {
    if (!delivery) continue;
    await trx
      .insertInto("notification_preferences")
      .values({ user_id: userId, kind, delivery, updated_at: now })
      .onConflict((conflict) => conflict.columns(["user_id", "kind"]).doUpdateSet({ delivery, updated_at: now }))
      .execute();
  }
}
