import type { Kysely } from "kysely";
import { anyOf } from "../../db/any.ts";
import type { DB } from "../../db/schema.ts";
import { DigestEmail, digestSubject } from "../../emails/digest.tsx";
import { renderEmail } from "../../emails/render.tsx";
import { isNotificationKind, lastDigestCutoff, NOTIFICATION_KINDS } from "../domain/notifications.ts";
import { enqueueEmail } from "../email/outbox.server.ts";
import { brandOf, PREFERENCES_PATH } from "./notify.server.tsx";

/**
 * Gathers, for each person and cooperative, the digest items that arrived
 * before the last 07:00 (Paris) into one mail, written to the outbox in the
 * transaction that marks them gathered. Runs as the owner (the worker); several
 * workers share the work without gathering an item twice (SKIP LOCKED).
 * Returns the number of digests written.
 */
export async function sendDueDigests(owner: Kysely<DB>, publicUrl: string, now: Date): Promise<number> {
  const cutoff = lastDigestCutoff(now);
  let written = 0;
  for (;;) {
    const done = await owner.transaction().execute(async (trx) => {
      const first = await trx
        .selectFrom("notification_digest_items")
        .select(["user_id", "cooperative_id"])
        .where("digested_at", "is", null)
        .where("created_at", "<", cutoff)
        .orderBy("created_at")
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!first) return true;
      const items = await trx
        .selectFrom("notification_digest_items")
        .select(["id", "kind", "title", "body", "link"])
        .where("user_id", "=", first.user_id)
        .where("cooperative_id", "=", first.cooperative_id)
        .where("digested_at", "is", null)
        .where("created_at", "<", cutoff)
        .orderBy("created_at")
        .forUpdate()
        .skipLocked()
        .execute();
      if (items.length === 0) return false;
      const recipient = await trx
        .selectFrom("users")
        .select(["email", "disabled_at"])
        .where("id", "=", first.user_id)
        .executeTakeFirstOrThrow();
      if (recipient.disabled_at === null && items.length > 0) {
        const { brand, replyTo } = await brandOf(trx, first.cooperative_id);
        const entries = items.map((item) => ({
          kindLabel: isNotificationKind(item.kind) ? NOTIFICATION_KINDS[item.kind].label : item.kind,
          title: item.title,
          body: item.body,
          link: item.link,
        }));
        const mail = await renderEmail(
          digestSubject(brand, entries.length),
          <DigestEmail
            entries={entries}
            preferencesLink={new URL(PREFERENCES_PATH, publicUrl).toString()}
            brand={brand}
          />,
        );
        await enqueueEmail(trx, {
          kind: "digest",
          to: recipient.email,
          cooperativeId: first.cooperative_id,
          replyTo,
          ...mail,
        });
        written++;
      }
      await trx
        .updateTable("notification_digest_items")
        .set({ digested_at: now })
        .where(
          "id",
          "=",
          anyOf(
            items.map((item) => item.id),
            "uuid",
          ),
        )
        .execute();
      return false;
    });
    if (done) return written;
  }
}
