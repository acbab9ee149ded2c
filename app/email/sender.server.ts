import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/**
 * How the portal sends mail. This minimal sender keeps every message as a
 * JSON file in a mailbox folder (demo and tests); the notifications issue
 * replaces it by the outbox and Resend without changing callers.
 */
export interface MailSender {
  send(message: MailMessage): Promise<void>;
}

export interface StoredMail extends MailMessage {
  sentAt: string;
}

export function mailboxDirectory(directory: string): MailSender & { read(): Promise<StoredMail[]> } {
  let sequence = 0;
  return {
    async send(message) {
      await mkdir(directory, { recursive: true });
      const sentAt = new Date().toISOString();
      sequence += 1;
      const name = `${sentAt.replace(/[:.]/g, "-")}-${process.pid}-${sequence}.json`;
      await writeFile(path.join(directory, name), JSON.stringify({ ...message, sentAt }, null, 2));
    },
    async read() {
      const names = (await readdir(directory).catch(() => [])).filter((name) => name.endsWith(".json")).sort();
      return Promise.all(
        names.map(async (name) => JSON.parse(await readFile(path.join(directory, name), "utf8")) as StoredMail),
      );
    },
  };
}
