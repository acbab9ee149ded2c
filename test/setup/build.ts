import path from "node:path";
import { buildIfStale } from "../../scripts/build-if-stale.ts";

/** The HTTP and end-to-end suites run the production build: made here once, reused when up to date. */
export default function setup() {
  buildIfStale(path.resolve("."));
}
