import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

// Everything that ends up in the production build.
const INPUTS = [
  "app",
  "server",
  "db",
  "emails",
  "public",
  "package-lock.json",
  "react-router.config.ts",
  "vite.config.ts",
  "tsconfig.json",
];
const STAMP = "build/.source-hash";

function* files(entry: string): Generator<string> {
  if (!existsSync(entry)) return;
  if (statSync(entry).isDirectory()) {
    for (const child of readdirSync(entry).sort()) {
      if (!/\.test\.tsx?$/.test(child)) yield* files(path.join(entry, child));
    }
  } else {
    yield entry;
  }
}

export function sourceHash(root: string): string {
  const hash = createHash("sha256");
  for (const input of INPUTS) {
    for (const file of files(path.join(root, input))) {
      hash.update(path.relative(root, file)).update("\0").update(readFileSync(file)).update("\0");
    }
  }
  return hash.digest("hex");
}

/** Builds the production bundle unless `build/` was made from the same sources. */
export function buildIfStale(root: string): "reused" | "built" {
  const hash = sourceHash(root);
  const stamp = path.join(root, STAMP);
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === hash && existsSync(path.join(root, "build/server"))) {
    return "reused";
  }
  console.log("Building the portal (first start or sources changed)...");
  // Always a production build, whoever asks: under Vitest, NODE_ENV=test would make Vite build with
  // import.meta.env.DEV true.
  const result = spawnSync("npx", ["react-router", "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) throw new Error("The build failed (see above).");
  writeFileSync(stamp, hash);
  return "built";
}
