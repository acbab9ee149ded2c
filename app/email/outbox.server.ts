import { sql, type Transaction } from "kysely";
import { insertRows, textColumn } from "../../db/insert-rows.ts";
import type { DB, OutboxAttachment } from "../../db/schema.ts";
import { type Assembly, assembleText, type Piece } from "../../emails/assembly.ts";

export interface OutgoingEmail {
  /** What the mail is about, for the audit and dead-letter pages (e.g. "sign_in_link"). */
  kind: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** The cooperative it speaks for (its name and reply-to), or none for platform mail. */
  cooperativeId?: string | null;
  replyTo?: string | null;
  /** When the mail is no use any more (a link that expires): dropped unsent past it. */
  expiresAt?: Date | null;
  /** Files sent with it (an invitation's .ics). */
  attachments?: OutboxAttachment[];
}

/**
 * Writes an email into the outbox, in the caller's transaction: if the change
 * that causes it rolls back, no mail leaves. The worker sends it.
 */
export async function enqueueEmail(trx: Transaction<DB>, email: OutgoingEmail): Promise<void> {
  await enqueueEmails(trx, [email]);
}

/** Writes emails into the outbox as enqueueEmail does, a few multi-row inserts for many. */
export async function enqueueEmails(trx: Transaction<DB>, emails: readonly OutgoingEmail[]): Promise<void> {
  await insertRows(
    trx,
    "outbox_emails",
    emails.map((email) => ({
      cooperative_id: email.cooperativeId ?? null,
      kind: email.kind,
      to_address: email.to,
      reply_to: email.replyTo ?? null,
      subject: email.subject,
      text_body: email.text,
      html_body: email.html ?? null,
      expires_at: email.expiresAt ?? null,
      attachments: email.attachments ?? [],
    })),
  );
}

/** A mail whose bodies are assemblies (emails/assembly.ts): its template's parts, shared, around its own pieces. */
export interface AssembledEmail extends Omit<OutgoingEmail, "text" | "html" | "expiresAt" | "attachments"> {
  text: Assembly;
  html: Assembly;
}

type PieceKind = { kind: "text" } | { kind: "repeat"; unit: string };

/** What each piece of a group's assemblies is, the same in every mail; null when they differ or do not fit. */
function pieceKinds(assemblies: readonly Assembly[]): PieceKind[] | null {
  const [first] = assemblies;
  if (!first) return [];
  if (first.parts.length !== first.pieces.length + 1) return null;
  const kinds: PieceKind[] = first.pieces.map((piece) =>
    typeof piece === "string" ? { kind: "text" } : { kind: "repeat", unit: piece.repeat },
  );
  for (const { pieces } of assemblies) {
    if (pieces.length !== kinds.length) return null;
    for (const [index, piece] of pieces.entries()) {
      const kind = kinds[index] as PieceKind;
      if (kind.kind === "text" ? typeof piece !== "string" : typeof piece === "string" || piece.repeat !== kind.unit) {
        return null;
      }
    }
  }
  return kinds;
}

/** concat() takes at most 100 arguments: a body of more parts is put together here. */
const MAX_PARTS = 50;

/**
 * Writes mails as enqueueEmails does, their bodies put together by the database: the mails that share their
 * template's parts go in one insert carrying the parts once and each mail's pieces (a few words, a padding's length)
 * instead of each mail's 5 KB (decision 019). What is stored is the text assembleText gives.
 */
export async function enqueueAssembledEmails(trx: Transaction<DB>, emails: readonly AssembledEmail[]): Promise<void> {
  const groups = new Map<readonly string[], Map<readonly string[], AssembledEmail[]>>();
  for (const email of emails) {
    const byText = groups.get(email.html.parts) ?? new Map<readonly string[], AssembledEmail[]>();
    groups.set(email.html.parts, byText);
    const group = byText.get(email.text.parts) ?? [];
    byText.set(email.text.parts, group);
    group.push(email);
  }
  for (const group of [...groups.values()].flatMap((byText) => [...byText.values()])) {
    const [first] = group;
    if (!first) continue;
    const textKinds = pieceKinds(group.map((email) => email.text));
    const htmlKinds = pieceKinds(group.map((email) => email.html));
    if (!textKinds || !htmlKinds || first.text.parts.length > MAX_PARTS || first.html.parts.length > MAX_PARTS) {
      await enqueueEmails(
        trx,
        group.map((email) => ({ ...email, text: assembleText(email.text), html: assembleText(email.html) })),
      );
      continue;
    }
    const columns: (string | null)[][] = [
      group.map((email) => email.cooperativeId ?? null),
      group.map((email) => email.kind),
      group.map((email) => email.to),
      group.map((email) => email.replyTo ?? null),
      group.map((email) => email.subject),
    ];
    const body = (assembly: (email: AssembledEmail) => Assembly, kinds: PieceKind[]) => {
      const parts = assembly(first).parts;
      const items = [sql`cast(${parts[0]} as text)`];
      for (const [index, kind] of kinds.entries()) {
        const column = sql.ref(`c${columns.length}`);
        columns.push(
          group.map((email) => {
            const piece = assembly(email).pieces[index] as Piece;
            return typeof piece === "string" ? piece : String(piece.times);
          }),
        );
        items.push(kind.kind === "text" ? column : sql`repeat(cast(${kind.unit} as text), cast(${column} as integer))`);
        items.push(sql`cast(${parts[index + 1]} as text)`);
      }
      return sql`concat(${sql.join(items)})`;
    };
    const textBody = body((email) => email.text, textKinds);
    const htmlBody = body((email) => email.html, htmlKinds);
    await sql`
      INSERT INTO outbox_emails (cooperative_id, kind, to_address, reply_to, subject, text_body, html_body)
      SELECT cast(c0 as uuid), c1, c2, c3, c4, ${textBody}, ${htmlBody}
        FROM unnest(${sql.join(columns.map(textColumn))})
          AS r(${sql.join(columns.map((_, index) => sql.ref(`c${index}`)))})`.execute(trx);
  }
}
