import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RequestContext, withRequestContext } from "../../db/request-context.ts";
import { createTestDatabase, type TestDatabase, testEngine } from "../../test/database.ts";
import { seedTenant, type Tenant } from "../../test/tenants.ts";
import { MeetingRefusal } from "./attendance.server.ts";
import { addMeetingDocument, listMeetingDocuments } from "./meeting-documents.server.ts";

const PDF = new TextEncoder().encode("%PDF-1.4\n%%EOF\n");

async function refusal(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    if (error instanceof MeetingRefusal) return `${error.status} ${error.message}`;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe(`a meeting's documents (${testEngine})`, () => {
  let database: TestDatabase;
  let a: Tenant;
  let b: Tenant;
  const as = <T>(context: RequestContext, work: Parameters<typeof withRequestContext<T>>[2]) =>
    withRequestContext(database.app, context, work);
  const add = (context: RequestContext, file: { name: string; bytes: Uint8Array } | null, meetingId = a.meetingId) =>
    as(context, (trx) => addMeetingDocument(trx, { meetingId, actorUserId: context.userId ?? "", file: file }));

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await seedTenant(database.owner, "A", "213400");
    b = await seedTenant(database.owner, "B", "215700");
  });
  afterAll(() => database.close());

  it("a manager adds a PDF, audited; the cooperative reads it, the minutes' attachment apart", async () => {
    const added = await add(a.context, { name: "C:\\docs\\ordre du jour.pdf", bytes: PDF });
    expect(added.filename).toBe("ordre du jour.pdf");
    const listed = await as(a.referentContext, (trx) => listMeetingDocuments(trx, a.meetingId));
    // The fixture's minutes attachment (test/tenants.ts) is listed with its minutes, not here.
    expect(listed.map((document) => document.filename)).toEqual(["ordre du jour.pdf"]);
    const audit = await database.owner
      .selectFrom("audit_events")
      .select("subject")
      .where("action", "=", "meeting.document_added")
      .execute();
    expect(audit).toEqual([{ subject: "ordre du jour.pdf" }]);
  });

  it("refuses a file that is not a document, none, a non-manager, another cooperative; writes nothing", async () => {
    const before = await database.owner.selectFrom("network_files").select("id").execute();
    expect(await refusal(add(a.context, { name: "script.pdf", bytes: new TextEncoder().encode("#!/bin/sh") }))).toBe(
      "400 Joignez un fichier PDF, ODT ou DOCX.",
    );
    expect(await refusal(add(a.context, null))).toBe("400 Choisissez un fichier.");
    expect(await refusal(add(a.referentContext, { name: "cr.pdf", bytes: PDF }))).toBe(
      "403 Réservé aux animateurs du réseau.",
    );
    expect(await refusal(add(b.context, { name: "cr.pdf", bytes: PDF }))).toBe("404 Réunion introuvable.");
    expect(await as(b.context, (trx) => listMeetingDocuments(trx, a.meetingId))).toEqual([]);
    expect(await database.owner.selectFrom("network_files").select("id").execute()).toEqual(before);
  });
});
