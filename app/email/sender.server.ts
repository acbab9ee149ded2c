import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { OutboxAttachment } from "../../db/schema.ts";

export interface StoredMail {
  id: string;
  to: string;
  subject: string;
  text: string;
  sentAt: string;
  /** Absent from mail kept before attachments existed. */
  attachments?: OutboxAttachment[];
}

/**
 * The demo's local mailbox: one JSON file per outbox row (named by its id, so
 * delivering the same row twice keeps one mail), read by the mailbox page.
 */
export function mailboxDirectory(directory: string) {
  return {
    async deliver(mail: Omit<StoredMail, "sentAt">) {
      await mkdir(directory, { recursive: true });
      const sentAt = new Date().toISOString();
      // Written aside, then renamed: the mailbox page never reads half a file.
      const file = path.join(directory, `${mail.id}.json`);
      await writeFile(`${file}.tmp`, JSON.stringify({ ...mail, sentAt }, null, 2));
      await rename(`${file}.tmp`, file);
    },
    /** Newest first. */
    async read(): Promise<StoredMail[]> {
      const names = (await readdir(directory).catch(() => [])).filter((name) => name.endsWith(".json"));
      const mails = await Promise.all(
        names.map(async (name) => JSON.parse(await readFile(path.join(directory, name), "utf8")) as StoredMail),
      );
      return mails.sort((a, b) => b.sentAt.localeCompare(a.sentAt));
    },
  };
}
