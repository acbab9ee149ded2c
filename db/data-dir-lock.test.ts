import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { acquireDataDirLock, DataDirLockedError } from "./data-dir-lock.ts";

describe("the PGlite data directory lock", () => {
  const dataDir = () => path.join(mkdtempSync(path.join(tmpdir(), "portal-lock-")), "pglite");

  it("lets one owner in and tells the next one who holds it", () => {
    const dir = dataDir();
    const release = acquireDataDirLock(dir);
    expect(() => acquireDataDirLock(dir)).toThrow(DataDirLockedError);
    expect(() => acquireDataDirLock(dir)).toThrow(`in use by process ${process.pid}`);
    release();
    expect(existsSync(`${dir}.lock`)).toBe(false);
    acquireDataDirLock(dir)();
  });

  it("takes over a lock left by an earlier run with the same PID (a restarted container)", () => {
    const dir = dataDir();
    writeFileSync(`${dir}.lock`, String(process.pid));
    const release = acquireDataDirLock(dir);
    expect(() => acquireDataDirLock(dir)).toThrow(DataDirLockedError);
    release();
  });

  it("takes over a lock left by a process that died", async () => {
    const dir = dataDir();
    const child = spawn(process.execPath, ["-e", ""]);
    const deadPid = child.pid as number;
    await new Promise((resolve) => child.on("exit", resolve));
    writeFileSync(`${dir}.lock`, String(deadPid));
    const release = acquireDataDirLock(dir);
    release();
  });
});
