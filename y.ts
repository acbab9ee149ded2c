import { PGlite } from "@electric-sql/pglite";
import { openDatabase } from "./db/engine.ts";
import { migrateToLatest } from "./db/migrate.ts";

let t = Date.now();
const d = await openDatabase({ engine: "pglite", memory: true });
await migrateToLatest(d.owner);
console.log("first", Date.now() - t);
t = Date.now();
const d2 = await openDatabase({ engine: "pglite", memory: true });
await migrateToLatest(d2.owner);
console.log("second fresh", Date.now() - t);
t = Date.now();
const p = await PGlite.create();
const blob = await p.dumpDataDir("none");
console.log("dump", Date.now() - t, blob.size);
t = Date.now();
const d3 = await openDatabase({ engine: "pglite", memory: true, loadDataDir: blob });
console.log("load", Date.now() - t);
