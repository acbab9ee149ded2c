import { describe, expect, it } from "vitest";
import { pageOf } from "./pages.ts";

describe("pageOf", () => {
  const items = Array.from({ length: 23 }, (_, index) => index + 1);

  it("cuts pages in order, the last one shorter", () => {
    expect(pageOf(items, 1, 10)).toEqual({ rows: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], page: 1, pageCount: 3, total: 23 });
    expect(pageOf(items, 3, 10)).toEqual({ rows: [21, 22, 23], page: 3, pageCount: 3, total: 23 });
  });

  it("gives the last page past the end, the first before the start, one empty page for nothing", () => {
    expect(pageOf(items, 9, 10).page).toBe(3);
    expect(pageOf(items, 0, 10).rows[0]).toBe(1);
    expect(pageOf([], 4, 10)).toEqual({ rows: [], page: 1, pageCount: 1, total: 0 });
  });
});
