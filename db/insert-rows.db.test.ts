import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase, testEngine } from "../test/database.ts";
import { seedTenant, sirenFrom, type Tenant } from "../test/tenants.ts";
import { insertRows } from "./insert-rows.ts";
import { jsonb } from "./jsonb.ts";
import { withRequestContext } from "./request-context.ts";

describe(`rows inserted as one parameter per column (${testEngine})`, () => {
  let database: TestDatabase;
  let a: Tenant;
  let b: Tenant;
  const mail = (cooperativeId: string, index: number) => ({
    cooperative_id: cooperativeId,
    kind: "probe",
    to_address: `personne-${index}@example.org`,
    subject: index === 7 ? "NULL" : `Objet « ${index} » \\ "guillemets", {accolades}\u202f!`,
    text_body: `ligne 1\nligne 2 — ${index}`,
    html_body: null,
    expires_at: new Date("2031-05-06T07:08:09.123Z"),
    attachments: [{ filename: "a.ics", contentType: "text/calendar", contentBase64: "QkVHSU46VkNBTEVOREFS" }],
  });

  beforeAll(async () => {
    database = await createTestDatabase({ poolSize: 1 });
    a = await seedTenant(database.owner, "A", "213400");
    b = await seedTenant(database.owner, "B", "215700");
  });
  afterAll(() => database.close());

  it("stores 50,000 rows in one statement, values as given, defaults for the columns left out, returning each", async () => {
    const rows = Array.from({ length: 50_000 }, (_, index) => mail(a.cooperativeId, index));
    const returned = await withRequestContext(database.app, a.context, (trx) =>
      insertRows(trx, "outbox_emails", rows, ["id", "to_address"]),
    );
    expect(returned).toHaveLength(50_000);
    expect(new Set(returned.map((row) => row.to_address)).size).toBe(50_000);
    const stored = await database.owner
      .selectFrom("outbox_emails")
      .selectAll()
      .where("to_address", "=", "personne-123@example.org")
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({
      subject: `Objet « 123 » \\ "guillemets", {accolades}\u202f!`,
      text_body: "ligne 1\nligne 2 — 123",
      html_body: null,
      status: "pending",
      attempts: 0,
      attachments: [{ filename: "a.ics", contentType: "text/calendar", contentBase64: "QkVHSU46VkNBTEVOREFS" }],
    });
    expect(stored.expires_at?.toISOString()).toBe("2031-05-06T07:08:09.123Z");
    expect(stored.id).toMatch(/^[0-9a-f-]{36}$/);
    // The word NULL is a subject like another, not an absent one.
    const seventh = await database.owner
      .selectFrom("outbox_emails")
      .select(["subject", "html_body"])
      .where("to_address", "=", "personne-7@example.org")
      .executeTakeFirstOrThrow();
    expect(seventh).toEqual({ subject: "NULL", html_body: null });
  });

  it("keeps every value as given: the characters that split a column's text, empty texts, the word NULL, absent values", async () => {
    const probe = (to: string, values: { subject: string; text_body: string; html_body: string | null }) => ({
      cooperative_id: a.cooperativeId,
      kind: "probe",
      to_address: to,
      ...values,
    });
    const stored = async (to: string) =>
      database.owner
        .selectFrom("outbox_emails")
        .select(["subject", "text_body", "html_body", "reply_to"])
        .where("to_address", "=", to)
        .executeTakeFirstOrThrow();
    const rows = [
      probe("split-1@example.org", { subject: "a\u001fb", text_body: "", html_body: null }),
      probe("split-2@example.org", { subject: "c\u001ed", text_body: "", html_body: "" }),
      probe("split-3@example.org", { subject: "NULL", text_body: "\u001e", html_body: "NULL" }),
    ];
    await insertRows(database.owner, "outbox_emails", rows);
    for (const row of rows) {
      expect(await stored(row.to_address)).toEqual({
        subject: row.subject,
        text_body: row.text_body,
        html_body: row.html_body,
        reply_to: null,
      });
    }
    // One row whose only value is empty, one whose only value is absent.
    const alone = probe("alone@example.org", { subject: "Seul", text_body: "", html_body: null });
    await insertRows(database.owner, "outbox_emails", [alone]);
    expect(await stored("alone@example.org")).toEqual({
      subject: "Seul",
      text_body: "",
      html_body: null,
      reply_to: null,
    });
  });

  it("reads each value with its column's own input: an enum, a boolean, a number; refuses an array column", async () => {
    const inserted = await insertRows(
      database.owner,
      "organisations",
      [
        {
          cooperative_id: a.cooperativeId,
          kind: "ccas",
          is_operator: false,
          siren: sirenFrom("91234561"),
          name: "CCAS",
        },
        {
          cooperative_id: a.cooperativeId,
          kind: "other",
          is_operator: false,
          siren: sirenFrom("91234562"),
          name: "SIVU",
        },
      ],
      ["kind", "is_operator", "name"],
    );
    expect(inserted).toEqual([
      { kind: "ccas", is_operator: false, name: "CCAS" },
      { kind: "other", is_operator: false, name: "SIVU" },
    ]);
    const wrongKind = insertRows(database.owner, "organisations", [
      { cooperative_id: a.cooperativeId, kind: "mairie" as never, siren: sirenFrom("91234563"), name: "Mairie" },
    ]);
    await expect(wrongKind).rejects.toThrow(/organisation_kind/);
    const meetingWithReminders = insertRows(database.owner, "meetings", [{ reminder_days: [7, 1] }]);
    await expect(meetingWithReminders).rejects.toThrow(/reminder_days is an array column/);
  });

  it("inserts nothing for no rows; refuses rows of uneven columns, and row-level security a row of another cooperative: none stored", async () => {
    await expect(
      withRequestContext(database.app, a.context, (trx) => insertRows(trx, "outbox_emails", [])),
    ).resolves.toEqual([]);
    const attempt = withRequestContext(database.app, a.context, (trx) =>
      insertRows(trx, "outbox_emails", [mail(a.cooperativeId, -1), mail(b.cooperativeId, -2)]),
    );
    await expect(attempt).rejects.toThrow(/row-level security/);
    const { html_body: _dropped, ...withoutHtml } = mail(a.cooperativeId, -3);
    const uneven = withRequestContext(database.app, a.context, (trx) =>
      insertRows(trx, "outbox_emails", [mail(a.cooperativeId, -4), withoutHtml]),
    );
    await expect(uneven).rejects.toThrow(/every row must give the columns/);
    // What JSON would not carry as given: a jsonb() builder (written {}), undefined (dropped), NaN (null).
    for (const [column, value] of [
      ["attachments", jsonb([])],
      ["reply_to", undefined],
      ["expires_at", Number.NaN],
    ] as const) {
      const attempt = withRequestContext(database.app, a.context, (trx) =>
        insertRows(trx, "outbox_emails", [{ ...mail(a.cooperativeId, -5), [column]: value } as never]),
      );
      await expect(attempt, column).rejects.toThrow(`${column} = `);
    }
    const leaked = await database.owner
      .selectFrom("outbox_emails")
      .select("id")
      .where("to_address", "like", "personne--%")
      .execute();
    expect(leaked).toEqual([]);
  });
});
