import { describe, expect, it } from "vitest";
import { throttledNetwork } from "./throttle.server.ts";

describe("throttledNetwork", () => {
  it("counts an IPv4 address as itself, also when written as IPv4-mapped IPv6", () => {
    expect(throttledNetwork("192.0.2.7")).toBe("192.0.2.7");
    expect(throttledNetwork("::ffff:192.0.2.7")).toBe("192.0.2.7");
  });

  it("counts an IPv6 address by its /64, however it is written", () => {
    expect(throttledNetwork("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(throttledNetwork("2001:0db8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(throttledNetwork("2001:db8::1")).toBe("2001:db8:0:0::/64");
  });
});
