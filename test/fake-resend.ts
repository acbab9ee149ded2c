import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  at: number;
  idempotencyKey: string | null;
  body: {
    to: string | string[];
    subject: string;
    text?: string;
    from: string;
    attachments?: { filename: string; content: string; contentType?: string }[];
  };
}

type Scripted = { status: number; headers?: Record<string, string>; body?: unknown } | "hang";

/**
 * A fake of Resend's HTTP API (POST /emails), for tests: it records every
 * request, answers from a script (429s, 500s, 400s, a hang), and keeps
 * Resend's idempotency: the same key returns the same email, sent once.
 */
export async function startFakeResend() {
  const requests: ReceivedRequest[] = [];
  const delivered = new Map<string, { id: string; to: string; subject: string }>();
  const script: Scripted[] = [];
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== "POST" || req.url !== "/emails") {
      res.writeHead(404, { "Content-Type": "application/json" }).end(JSON.stringify({ message: "not found" }));
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ReceivedRequest["body"];
    const idempotencyKey = (req.headers["idempotency-key"] as string | undefined) ?? null;
    requests.push({ at: Date.now(), idempotencyKey, body });
    const next = script.shift();
    if (next === "hang") return; // the provider got it; the answer never comes back
    if (next) {
      res
        .writeHead(next.status, { "Content-Type": "application/json", ...next.headers })
        .end(
          JSON.stringify(next.body ?? { name: "error", message: `scripted ${next.status}`, statusCode: next.status }),
        );
      return;
    }
    const key = idempotencyKey ?? randomUUID();
    const existing = delivered.get(key);
    const email = existing ?? { id: randomUUID(), to: String(body.to), subject: body.subject };
    delivered.set(key, email);
    res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ id: email.id }));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    /** Mails the provider would actually send: one per idempotency key. */
    delivered,
    /** The next answers, in order; after them, success. */
    script(...answers: Scripted[]) {
      script.push(...answers);
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}
