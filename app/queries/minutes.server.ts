import type { Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import { recordEvent } from "../audit.server.ts";
import { checkAttachment } from "../domain/network-files.ts";
import { formatParisDay } from "../domain/paris-time.ts";
import { notify } from "../notifications/notify.server.tsx";
import { MeetingRefusal, requireManagedMeeting } from "./attendance.server.ts";
import { storeNetworkFile } from "./meeting-documents.server.ts";
import { isUuid } from "./network-access.server.ts";

type Trx = Transaction<DB>;

export interface MinutesVersion {
  id: string;
  version: number;
  status: "draft" | "published";
  body: string;
  decisions: string;
  publishedAt: Date | null;
  publishedBy: string | null;
  file: { id: string; filename: string; sizeBytes: number } | null;
}

/** A meeting's minutes, the latest version first: published ones for everyone, the draft for its managers (RLS). */
export async function listMinutesVersions(trx: Trx, meetingId: string): Promise<MinutesVersion[]> {
  const rows = await trx
    .selectFrom("meeting_minutes as m")
    .leftJoin("network_files as f", "f.id", "m.file_id")
    .leftJoin("users as u", "u.id", "m.published_by")
    .select([
      "m.id",
      "m.version",
      "m.status",
      "m.body",
      "m.decisions",
      "m.published_at",
      "u.display_name as published_by",
      "f.id as file_id",
      "f.filename",
      "f.size_bytes",
    ])
    .where("m.meeting_id", "=", meetingId)
    .orderBy("m.version", "desc")
    .execute();
  return rows.map((row) => ({
    id: row.id,
    version: row.version,
    status: row.status,
    body: row.body,
    decisions: row.decisions,
    publishedAt: row.published_at,
    publishedBy: row.published_by,
    file: row.file_id ? { id: row.file_id, filename: row.filename ?? "", sizeBytes: row.size_bytes ?? 0 } : null,
  }));
}

export interface MinutesDraftInput {
  meetingId: string;
  cooperativeId: string;
  actorUserId: string;
  body: string;
  decisions: string;
  /** A new attachment, replacing the current one. */
  file: { name: string; bytes: Uint8Array } | null;
  /** Without a new file: keep the current attachment (the draft's, or the last published version's). */
  keepFile: boolean;
  now?: Date;
}

/**
 * Writes the meeting's draft minutes (the next version when the last one is published: a correction), with its
 * attachment stored among the network's files. Only the network's managers may (RLS says so too).
 */
export async function saveMinutesDraft(trx: Trx, input: MinutesDraftInput): Promise<{ version: number }> {
  const now = input.now ?? new Date();
  const meeting = await requireManagedMeeting(trx, input.meetingId, now);
  const checked = input.file ? checkAttachment(input.file) : null;
  if (checked && !checked.ok) throw new MeetingRefusal(checked.message, 400, "file");
  const versions = await trx
    .selectFrom("meeting_minutes")
    .select(["id", "version", "status", "file_id"])
    .where("meeting_id", "=", meeting.id)
    .orderBy("version", "desc")
    .execute();
  const draft = versions.find((version) => version.status === "draft");
  const current = draft ?? versions[0];
  let fileId = input.keepFile ? (current?.file_id ?? null) : null;
  if (checked?.ok && input.file) {
    const stored = await storeNetworkFile(trx, {
      cooperativeId: input.cooperativeId,
      networkId: meeting.networkId,
      meetingId: meeting.id,
      checked,
      bytes: input.file.bytes,
      uploadedBy: input.actorUserId,
      createdAt: now,
    });
    fileId = stored.id;
  }
  if (draft) {
    await trx
      .updateTable("meeting_minutes")
      .set({ body: input.body, decisions: input.decisions, file_id: fileId })
      .where("id", "=", draft.id)
      .where("status", "=", "draft")
      .execute();
    return { version: draft.version };
  }
  const version = (versions[0]?.version ?? 0) + 1;
  await trx
    .insertInto("meeting_minutes")
    .values({
      cooperative_id: input.cooperativeId,
      meeting_id: meeting.id,
      version,
      body: input.body,
      decisions: input.decisions,
      file_id: fileId,
      created_at: now,
    })
    .execute();
  return { version };
}

export interface PublishMinutesInput {
  meetingId: string;
  cooperativeId: string;
  actorUserId: string;
  publicUrl: string;
  ipAddress?: string | null;
  now?: Date;
}

/**
 * Publishes the draft: from now on it never changes (a trigger refuses it) and the whole cooperative reads it. The
 * network contacts of every member organisation, present at the meeting or not, are notified (each as they chose
 * for the networks' notifications). Audited.
 */
export async function publishMinutes(
  trx: Trx,
  input: PublishMinutesInput,
): Promise<{ version: number; notified: number }> {
  const now = input.now ?? new Date();
  const meeting = await requireManagedMeeting(trx, input.meetingId, now);
  const draft = await trx
    .selectFrom("meeting_minutes")
    .select(["id", "version", "body"])
    .where("meeting_id", "=", meeting.id)
    .where("status", "=", "draft")
    .executeTakeFirst();
  if (!draft) throw new MeetingRefusal("Il n'y a pas de brouillon à publier.");
  if (draft.body.trim() === "") throw new MeetingRefusal("Écrivez le compte rendu avant de le publier.", 400, "body");
  const published = await trx
    .updateTable("meeting_minutes")
    .set({ status: "published", published_at: now, published_by: input.actorUserId })
    .where("id", "=", draft.id)
    .where("status", "=", "draft")
    .executeTakeFirst();
  if (Number(published.numUpdatedRows) !== 1) throw new MeetingRefusal("Ce compte rendu vient d'être publié.");

  const contacts = await trx
    .selectFrom("network_contacts")
    .select("user_id")
    .distinct()
    .where("network_id", "=", meeting.networkId)
    .execute();
  const day = formatParisDay(meeting.startsAt);
  const outcome = await notify(trx, input.publicUrl, {
    cooperativeId: input.cooperativeId,
    kind: "networks",
    recipients: contacts.map((contact) => contact.user_id),
    title:
      draft.version === 1
        ? `Compte rendu de la réunion « ${meeting.title} » du ${day}`
        : `Compte rendu corrigé (version ${draft.version}) de la réunion « ${meeting.title} » du ${day}`,
    body: `${meeting.networkName} : le compte rendu est publié sur le portail, pour les communes présentes comme pour les absentes.`,
    path: `/reunions/${meeting.id}/compte-rendu`,
  });
  await recordEvent(trx, {
    action: "meeting.minutes_published",
    cooperativeId: input.cooperativeId,
    actorUserId: input.actorUserId,
    subject: meeting.title,
    details: { meetingId: meeting.id, version: draft.version, notified: Object.keys(outcome).length },
    ipAddress: input.ipAddress ?? null,
  });
  return { version: draft.version, notified: Object.keys(outcome).length };
}

export interface NetworkFile {
  filename: string;
  contentType: string;
  sizeBytes: number;
  content: Uint8Array;
}

/** A network's file, for anyone of its cooperative (RLS decides), or null. */
export async function findNetworkFile(trx: Trx, fileId: string, cooperativeId: string): Promise<NetworkFile | null> {
  if (!isUuid(fileId)) return null;
  const row = await trx
    .selectFrom("network_files")
    .select(["filename", "content_type", "size_bytes", "content"])
    .where("id", "=", fileId)
    .where("cooperative_id", "=", cooperativeId)
    .executeTakeFirst();
  return row
    ? { filename: row.filename, contentType: row.content_type, sizeBytes: row.size_bytes, content: row.content }
    : null;
}
