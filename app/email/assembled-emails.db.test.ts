import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../db/engine.ts";
import { withRequestContext } from "../../db/request-context.ts";
import { type Assembly, assembleText } from "../../emails/assembly.ts";
import { FITTING_NOTIFICATIONS, STATEMENT_NOTIFICATION } from "../../emails/notification-mail.fixtures.ts";
import {
  type NotificationMail,
  notificationAssembly,
  renderNotificationMailInFull,
} from "../../emails/notification-mail.tsx";
import { createTestDatabase, testEngine } from "../../test/database.ts";
import { seedTenant, type Tenant } from "../../test/tenants.ts";
import { type AssembledEmail, enqueueAssembledEmails } from "./outbox.server.ts";

const base = STATEMENT_NOTIFICATION;

describe(`mails put together by the database (${testEngine})`, () => {
  let database: Database;
  let a: Tenant;
  let b: Tenant;

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await seedTenant(database.owner, "A", "213400");
    b = await seedTenant(database.owner, "B", "215700");
  });
  afterAll(() => database.close());
  beforeEach(() => database.owner.deleteFrom("outbox_emails").execute());

  const enqueue = (emails: AssembledEmail[]) =>
    withRequestContext(database.app, a.context, (trx) => enqueueAssembledEmails(trx, emails));
  const stored = () =>
    database.owner
      .selectFrom("outbox_emails")
      .select(["to_address", "kind", "cooperative_id", "reply_to", "subject", "text_body", "html_body"])
      .orderBy("to_address")
      .execute();
  const envelope = (index: number) => ({
    kind: "notification_statements",
    to: `referent-${String(index).padStart(2, "0")}@example.test`,
    cooperativeId: a.cooperativeId,
    replyTo: index % 2 === 0 ? "operateur@example.test" : null,
  });

  it("stores each notification as React Email renders it, to the character", async () => {
    const mails: NotificationMail[] = [
      ...FITTING_NOTIFICATIONS,
      // Pieces holding the characters the values travel between: sent as arrays instead.
      { ...base, title: "séparé\u001fpar\u001eun contrôle" },
    ];
    const emails: AssembledEmail[] = [];
    for (const [index, mail] of mails.entries()) {
      const assembled = await notificationAssembly(mail);
      if (!assembled) throw new Error(`${mail.title} does not fit the template`);
      emails.push({ ...envelope(index), ...assembled });
    }
    await enqueue(emails);

    const rows = await stored();
    expect(rows).toHaveLength(mails.length);
    for (const [index, mail] of mails.entries()) {
      const rendered = await renderNotificationMailInFull(mail);
      expect(rows[index], mail.title).toEqual({
        to_address: envelope(index).to,
        kind: "notification_statements",
        cooperative_id: a.cooperativeId,
        reply_to: envelope(index).replyTo,
        subject: rendered.subject,
        text_body: rendered.text,
        html_body: rendered.html,
      });
    }
  });

  it("puts together mails whose pieces differ in kind as they are written, the same text", async () => {
    const parts = ["<p>", " et ", "</p>"];
    const assemblies: Assembly[] = [
      { parts, pieces: ["un", { repeat: "·", times: 3 }] },
      { parts, pieces: [{ repeat: "-", times: 2 }, "deux"] },
      { parts, pieces: ["trois", { repeat: "·", times: 0 }] },
    ];
    await enqueue(
      assemblies.map((html, index) => ({
        ...envelope(index),
        subject: `Essai ${index}`,
        html,
        text: { parts: ["", ""], pieces: [`texte ${index}`] },
      })),
    );
    const rows = await stored();
    expect(rows.map((row) => row.html_body)).toEqual(["<p>un et ···</p>", "<p>-- et deux</p>", "<p>trois et </p>"]);
    expect(rows.map((row) => row.text_body)).toEqual(["texte 0", "texte 1", "texte 2"]);
    expect(assemblies.map(assembleText)).toEqual(rows.map((row) => row.html_body));

    // Parts that do not surround the pieces are refused, nothing written.
    await database.owner.deleteFrom("outbox_emails").execute();
    const malformed = enqueue([
      {
        ...envelope(0),
        subject: "Mal formé",
        html: { parts: ["<p>"], pieces: ["un"] },
        text: { parts: [""], pieces: [] },
      },
    ]);
    await expect(malformed).rejects.toThrow("an assembly has one part more than pieces");
    expect(await stored()).toEqual([]);
  });

  it("writes under the cooperative's policies: nothing for another cooperative", async () => {
    const assembled = await notificationAssembly(base);
    if (!assembled) throw new Error("the base mail does not fit the template");
    const attempt = enqueue([
      { ...envelope(0), ...assembled },
      { ...envelope(1), cooperativeId: b.cooperativeId, ...assembled },
    ]);
    await expect(attempt).rejects.toThrow(/row-level security/);
    expect(await stored()).toEqual([]);
  });
});
