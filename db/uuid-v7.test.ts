import { describe, expect, it } from "vitest";
import { uuidV7 } from "./uuid-v7.ts";

describe("uuidV7", () => {
  it("writes a version 7 UUID whose first 48 bits are the time in milliseconds", () => {
    const at = Date.UTC(2026, 10, 28, 9, 30, 15, 123);
    const id = uuidV7(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(id.replaceAll("-", "").slice(0, 12), 16)).toBe(at);
  });

  it("sorts ids of later milliseconds after earlier ones, and never repeats one", () => {
    const ids = [0, 1, 255, 256, 65_536, Date.now(), 2 ** 48 - 1].map((at) => uuidV7(at));
    expect([...ids].sort()).toEqual(ids);
    const many = Array.from({ length: 10_000 }, () => uuidV7(1_700_000_000_000));
    expect(new Set(many).size).toBe(many.length);
  });
});
