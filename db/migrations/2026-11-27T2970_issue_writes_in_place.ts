import { type Kysely, sql } from "kysely";

// Frozen in time: this file never imports application code.
// Issuing a year writes a mail per referent and freezes every pricing of the year (the statements benchmark,
// decision 019). Two storage settings make those writes cheaper for the server:
// - outbox_emails: a rendered notification (about 5 KB with its HTML) went over the 2 KB at which PostgreSQL
//   compresses a row with pglz, the costliest part of its insert; a mail is written once, read once by the sender,
//   and kept a few months: it is now compressed only above 8 KB (more disk for the outbox, half its insert time).
// - pricings: setting frozen_at wrote a new version of the row on another page, so an entry in each of its four
//   indexes; with half of each page left free, the new version stays on its page and no index changes (a "HOT"
//   update). A cooperative has a few dozen pricings: the disk does not matter. Applies to pages written from now on.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE outbox_emails SET (toast_tuple_target = 8160)`.execute(db);
  await sql`ALTER TABLE pricings SET (fillfactor = 50)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE pricings RESET (fillfactor)`.execute(db);
  await sql`ALTER TABLE outbox_emails RESET (toast_tuple_target)`.execute(db);
}
