import type { Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import { recordEvent } from "../audit.server.ts";
import { checkAttachment } from "../domain/network-files.ts";
import { MeetingRefusal } from "./attendance.server.ts";
import { meetingAccess } from "./network-access.server.ts";

type Trx = Transaction<DB>;

export interface MeetingDocument {
  id: string;
  filename: string;
  sizeBytes: number;
  createdAt: Date;
}

/** A meeting's documents (its minutes' attachments apart), oldest first. */
export async function listMeetingDocuments(trx: Trx, meetingId: string): Promise<MeetingDocument[]> {
  return trx
    .selectFrom("network_files as f")
    .select(["f.id", "f.filename", "f.size_bytes as sizeBytes", "f.created_at as createdAt"])
    .where("f.meeting_id", "=", meetingId)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom("meeting_minutes as v").select("v.id").whereRef("v.file_id", "=", "f.id"))),
    )
    .orderBy("f.created_at")
    .execute();
}

/** Stores a checked file of a meeting (a document, a minutes' attachment). */
export function storeNetworkFile(
  trx: Trx,
  file: {
    cooperativeId: string;
    networkId: string;
    meetingId: string;
    checked: { filename: string; contentType: string };
    bytes: Uint8Array;
    uploadedBy: string;
    createdAt?: Date;
  },
): Promise<MeetingDocument> {
  return trx
    .insertInto("network_files")
    .values({
      cooperative_id: file.cooperativeId,
      network_id: file.networkId,
      meeting_id: file.meetingId,
      filename: file.checked.filename,
      content_type: file.checked.contentType,
      size_bytes: file.bytes.length,
      content: file.bytes,
      uploaded_by: file.uploadedBy,
      ...(file.createdAt ? { created_at: file.createdAt } : {}),
    })
    .returning(["id", "filename", "size_bytes as sizeBytes", "created_at as createdAt"])
    .executeTakeFirstOrThrow();
}

/**
 * Attaches a document (PDF, ODT or DOCX, 5 MB at most) to a meeting the asking user manages, audited. Refused
 * (MeetingRefusal, French) otherwise; files are never deleted (minutes may refer to them).
 */
export async function addMeetingDocument(
  trx: Trx,
  input: { meetingId: string; actorUserId: string; file: { name: string; bytes: Uint8Array } | null },
): Promise<MeetingDocument> {
  const meeting = await meetingAccess(trx, input.meetingId);
  if (!meeting) throw new MeetingRefusal("Réunion introuvable.", 404);
  if (!meeting.manages) throw new MeetingRefusal("Réservé aux animateurs du réseau.", 403);
  if (!input.file) throw new MeetingRefusal("Choisissez un fichier.", 400, "file");
  const checked = checkAttachment(input.file, "document");
  if (!checked.ok) throw new MeetingRefusal(checked.message, 400, "file");
  const row = await storeNetworkFile(trx, {
    cooperativeId: meeting.cooperativeId,
    networkId: meeting.networkId,
    meetingId: meeting.id,
    checked,
    bytes: input.file.bytes,
    uploadedBy: input.actorUserId,
  });
  await recordEvent(trx, {
    action: "meeting.document_added",
    cooperativeId: meeting.cooperativeId,
    actorUserId: input.actorUserId,
    subject: checked.filename,
    details: { meetingId: meeting.id, sizeBytes: input.file.bytes.length },
  });
  return row;
}
