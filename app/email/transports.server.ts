import { Resend } from "resend";
import type { OutboxAttachment } from "../../db/schema.ts";
import { mailboxDirectory } from "./sender.server.ts";

export interface DeliverableEmail {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  replyTo: string | null;
  attachments: OutboxAttachment[];
}

export type SendOutcome =
  | { ok: true; providerId: string }
  | { ok: false; retryable: boolean; retryAfterMs?: number; error: string };

/** Where the worker hands mail over: Resend, or the local mailbox of the demo. */
export interface Transport {
  /** `idempotencyKey` is stable per outbox row: sending it again never makes a second mail. */
  send(email: DeliverableEmail, idempotencyKey: string): Promise<SendOutcome>;
}

export function resendTransport(options: { apiKey: string; from: string; baseUrl?: string }): Transport {
  const resend = new Resend(options.apiKey, options.baseUrl ? { baseUrl: options.baseUrl } : undefined);
  return {
    async send(email, idempotencyKey) {
      const { data, error, headers } = await resend.emails.send(
        {
          from: options.from,
          to: email.to,
          subject: email.subject,
          text: email.text,
          ...(email.html ? { html: email.html } : {}),
          ...(email.replyTo ? { replyTo: email.replyTo } : {}),
          ...(email.attachments.length > 0
            ? {
                attachments: email.attachments.map((attachment) => ({
                  filename: attachment.filename,
                  content: attachment.contentBase64,
                  contentType: attachment.contentType,
                })),
              }
            : {}),
        },
        // A hung request would hold the row's lock: give up after 15 s (a network failure, retried).
        { idempotencyKey, signal: AbortSignal.timeout(15_000) },
      );
      if (data) return { ok: true, providerId: data.id };
      const details =
        typeof error === "object" && error !== null ? (error as { statusCode?: unknown; name?: unknown }) : {};
      const status = typeof details.statusCode === "number" ? details.statusCode : null;
      const name = typeof details.name === "string" ? details.name : "";
      const retryAfterSeconds = Number(headers?.["retry-after"]);
      // Later: rate limits, server errors, the network, a concurrent request with the same key, and a
      // key or domain problem (401/403: the operator fixes the account, the mail must not be lost).
      // Never: validation errors and a key reused with another payload, which will not get better.
      const retryable =
        status === null ||
        status === 429 ||
        status >= 500 ||
        status === 401 ||
        status === 403 ||
        (status === 409 && name === "concurrent_idempotent_requests");
      return {
        ok: false,
        retryable,
        ...(Number.isFinite(retryAfterSeconds) ? { retryAfterMs: retryAfterSeconds * 1000 } : {}),
        error: `${status ?? "network"}: ${error?.message ?? "unknown error"}`,
      };
    },
  };
}

/** Demo without RESEND_API_KEY: mail is kept in a folder and shown on the mailbox page. */
export function mailboxTransport(directory: string): Transport {
  const mailbox = mailboxDirectory(directory);
  return {
    async send(email, idempotencyKey) {
      await mailbox.deliver({
        id: idempotencyKey,
        to: email.to,
        subject: email.subject,
        text: email.text,
        attachments: email.attachments,
      });
      return { ok: true, providerId: `mailbox:${idempotencyKey}` };
    },
  };
}
