/**
 * How long a session lives: it slides with use up to an idle timeout, and
 * ends at an absolute lifetime whatever happens (a working day).
 */
export const SESSION_IDLE_TIMEOUT_MS = 2 * 60 * 60 * 1000;
export const SESSION_ABSOLUTE_LIFETIME_MS = 12 * 60 * 60 * 1000;
/** Recording every request's time would write on every read: once a minute is precise enough. */
export const SESSION_TOUCH_INTERVAL_MS = 60 * 1000;

export interface SessionTimes {
  lastUsedAt: Date;
  expiresAt: Date;
}

export type SessionVerdict = "valid" | "idle" | "expired";

export function judgeSession(session: SessionTimes, now: Date): SessionVerdict {
  if (now.getTime() >= session.expiresAt.getTime()) return "expired";
  if (now.getTime() - session.lastUsedAt.getTime() >= SESSION_IDLE_TIMEOUT_MS) return "idle";
  return "valid";
}

export function needsTouch(session: SessionTimes, now: Date): boolean {
  return now.getTime() - session.lastUsedAt.getTime() >= SESSION_TOUCH_INTERVAL_MS;
}

export function absoluteExpiry(createdAt: Date): Date {
  return new Date(createdAt.getTime() + SESSION_ABSOLUTE_LIFETIME_MS);
}
