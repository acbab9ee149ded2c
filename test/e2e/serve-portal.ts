import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { freePort } from "../free-port.ts";

declare module "vitest" {
  export interface ProvidedContext {
    portalUrl: string;
    mailboxDir: string;
  }
}

/**
 * Serves the portal as the README's run command does (production build,
 * embedded database, demo data) on a free port and a fresh data directory.
 */
export default async function setup(project: TestProject) {
  const port = await freePort();
  const dataRoot = mkdtempSync(path.join(tmpdir(), "portal-e2e-"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: "127.0.0.1",
    PUBLIC_URL: `http://localhost:${port}`,
    DATA_DIR: path.join(dataRoot, "pglite"),
    MAILBOX_DIR: path.join(dataRoot, "mailbox"),
    APP_MODE: "demo",
    // End-to-end tests run with the second factor enforced, as production does.
    ADMIN_SECOND_FACTOR: "required",
  };
  // As from a shell: npm start sets NODE_ENV=production itself (Vitest's "test" must not leak in).
  delete env.NODE_ENV;
  delete env.DATABASE_URL;
  delete env.APP_DATABASE_URL;
  const server: ChildProcess = spawn(path.resolve("node_modules/.bin/tsx"), ["scripts/start.ts"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The portal did not start in time:\n${output}`)), 240_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Portal ready")) {
        clearTimeout(timer);
        resolve();
      }
    };
    server.stdout?.on("data", onData);
    server.stderr?.on("data", onData);
    server.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`The portal exited with code ${code}:\n${output}`));
    });
  });
  // "localhost": where browsers accept the Secure session cookie over plain HTTP.
  project.provide("portalUrl", `http://localhost:${port}`);
  project.provide("mailboxDir", path.join(dataRoot, "mailbox"));

  return async () => {
    const exited = new Promise((resolve) => server.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
    rmSync(dataRoot, { recursive: true, force: true });
  };
}
