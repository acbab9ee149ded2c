import { resendTransport } from "../app/email/transports.server.ts";
import { startOutboxWorker } from "../app/email/worker.server.ts";
import { loadEnvOrExit } from "../app/env.server.ts";
import { openDatabase } from "../db/engine.ts";

// The outbox worker as its own process (with a PostgreSQL server; run the web
// process with OUTBOX_WORKER=off). Several may run at once: each row is sent by one.
const env = loadEnvOrExit();
if (!env.DATABASE_URL) {
  console.error("DATABASE_URL: the worker runs as its own process only beside a PostgreSQL server.");
  process.exit(1);
}
if (!env.RESEND_API_KEY) {
  console.error("RESEND_API_KEY: required by the worker, which sends through Resend.");
  process.exit(1);
}

if (!env.PUBLIC_URL) {
  console.error(
    "PUBLIC_URL: required by the worker, which writes the portal's links into the daily digests and the meetings' reminders.",
  );
  process.exit(1);
}

const database = await openDatabase({ engine: "postgres", url: env.DATABASE_URL, poolSize: 2 });
const worker = startOutboxWorker(database.owner, resendTransport({ apiKey: env.RESEND_API_KEY, from: env.MAIL_FROM }), {
  scheduledMail: { publicUrl: env.PUBLIC_URL },
});
console.log("Outbox worker started.");
const stop = async () => {
  await worker.stop();
  await database.close();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
