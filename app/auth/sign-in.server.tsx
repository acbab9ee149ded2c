import type { Transaction } from "kysely";
import { ANONYMOUS, applyRequestContext } from "../../db/request-context.ts";
import type { DB, LoginTokenPurpose } from "../../db/schema.ts";
import { PasswordResetEmail, passwordResetSubject } from "../../emails/password-reset.tsx";
import { type RenderedEmail, renderEmail } from "../../emails/render.tsx";
import { SignInLinkEmail, signInLinkSubject } from "../../emails/sign-in-link.tsx";
import { recordEvent } from "../audit.server.ts";
import type { RequestScope, Services } from "../context.server.ts";
import { enqueueEmail } from "../email/outbox.server.ts";
import { deleteSessionsOfUser } from "../queries/sessions.server.ts";
import { LINK_LIFETIME_MS } from "./links.ts";
import { hashPassword, needsRehash, verifyAgainstNothing, verifyPassword } from "./password.server.ts";
import { contextFor, firstMembershipOf, startSession } from "./session.server.ts";
import { clearAttempts, countAttempt } from "./throttle.server.ts";
import { generateToken, hashToken } from "./tokens.server.ts";

export interface ClientMeta {
  ipAddress: string;
  userAgent: string | null;
}

export type SignInResult =
  | { ok: true; token: string; expiresAt: Date }
  | { ok: false; reason: "invalid" | "throttled"; retryAfterSeconds?: number };

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** What an attempt on an account is: each has its own count, so that one cannot lock the others. */
type Flow = "password" | LoginTokenPurpose;

/** Counts the attempt against the account (for this flow) and the IP address; refuses when either is over. */
async function throttle(scope: RequestScope, flow: Flow, email: string, client: ClientMeta, now: Date) {
  const [account, ip] = await Promise.all([
    countAttempt(scope, "account", `${flow}:${email}`, now),
    countAttempt(scope, "ip", client.ipAddress, now),
  ]);
  const refused = [account, ip].filter((result) => !result.allowed);
  return refused.length === 0
    ? null
    : { retryAfterSeconds: Math.max(...refused.map((result) => result.retryAfterSeconds)) };
}

async function findActiveUser(scope: RequestScope, email: string) {
  return scope.withLookup({ email }, (trx) =>
    trx
      .selectFrom("users")
      .select(["id", "disabled_at"])
      .where("email", "=", email)
      .where("disabled_at", "is", null)
      .executeTakeFirst(),
  );
}

/**
 * Email + password. Takes as long and answers the same whether the account
 * does not exist, has no password, or the password is wrong.
 */
export async function signInWithPassword(
  scope: RequestScope,
  input: { email: string; password: string },
  client: ClientMeta,
  now: Date,
): Promise<SignInResult> {
  const email = normaliseEmail(input.email);
  const throttled = await throttle(scope, "password", email, client, now);
  if (throttled) {
    await recordFailure(scope, "sign_in.throttled", email, client);
    return { ok: false, reason: "throttled", ...throttled };
  }

  const user = await findActiveUser(scope, email);
  const credential = user
    ? await scope.withLookup({}, async (trx) => {
        await applyRequestContext(trx, { ...ANONYMOUS, userId: user.id });
        return trx.selectFrom("password_credentials").select("hash").where("user_id", "=", user.id).executeTakeFirst();
      })
    : undefined;
  const valid = credential
    ? await verifyPassword(credential.hash, input.password)
    : await verifyAgainstNothing(input.password);
  if (!user || !credential || !valid) {
    await recordFailure(scope, "sign_in.failed", email, client, user?.id);
    return { ok: false, reason: "invalid" };
  }

  await clearAttempts(scope, "account", `password:${email}`);
  if (needsRehash(credential.hash)) await storePasswordHash(scope, user.id, await hashPassword(input.password));
  const session = await createSessionFor(scope, user.id, client, now, "password");
  if (!session) return { ok: false, reason: "invalid" };
  return { ok: true, ...session };
}

/**
 * A session for a user whose identity was just proven, unless the account was
 * disabled meanwhile; the sign-in is logged for the cooperative the user acts in first.
 */
async function createSessionFor(
  scope: RequestScope,
  userId: string,
  client: ClientMeta,
  now: Date,
  method: "password" | "link" | "reset",
) {
  return scope.withLookup({}, async (trx) => {
    await applyRequestContext(trx, { ...ANONYMOUS, userId });
    const user = await trx.selectFrom("users").select("disabled_at").where("id", "=", userId).executeTakeFirst();
    if (!user || user.disabled_at !== null) return null;
    const session = await startSession(trx, userId, { userAgent: client.userAgent, ipAddress: client.ipAddress }, now);
    const first = await firstMembershipOf(trx, userId);
    await applyRequestContext(trx, contextFor(userId, first));
    await recordEvent(trx, {
      action: "sign_in.succeeded",
      cooperativeId: first?.cooperativeId ?? null,
      actorUserId: userId,
      details: { method },
      ipAddress: client.ipAddress,
    });
    return session;
  });
}

/**
 * Logs a refused sign-in. When the address is an account's, the event goes to
 * the cooperative it acts in first, whose operator admins read it; the same
 * queries run for an unknown address, so that timing tells nothing.
 */
async function recordFailure(
  scope: RequestScope,
  action: "sign_in.failed" | "sign_in.throttled",
  email: string,
  client: ClientMeta,
  userId?: string,
) {
  await scope.withLookup({}, async (trx) => {
    const subjectId = userId ?? crypto.randomUUID();
    await applyRequestContext(trx, { ...ANONYMOUS, userId: subjectId });
    const first = await firstMembershipOf(trx, subjectId);
    if (userId && first) await applyRequestContext(trx, contextFor(userId, first));
    await recordEvent(trx, {
      action,
      cooperativeId: userId ? (first?.cooperativeId ?? null) : null,
      subject: email,
      ipAddress: client.ipAddress,
    });
  });
}

function upsertPasswordHash(trx: Transaction<DB>, userId: string, hash: string) {
  return trx
    .insertInto("password_credentials")
    .values({ user_id: userId, hash })
    .onConflict((conflict) => conflict.column("user_id").doUpdateSet({ hash, updated_at: new Date() }))
    .execute();
}

async function storePasswordHash(scope: RequestScope, userId: string, hash: string) {
  await scope.withLookup({}, async (trx) => {
    await applyRequestContext(trx, { ...ANONYMOUS, userId });
    await upsertPasswordHash(trx, userId, hash);
  });
}

const LINK_MAIL: Record<LoginTokenPurpose, { path: string; render: (link: string) => Promise<RenderedEmail> }> = {
  sign_in: {
    path: "/connexion/lien",
    render: (link) => renderEmail(signInLinkSubject, <SignInLinkEmail link={link} />),
  },
  password_reset: {
    path: "/mot-de-passe/nouveau",
    render: (link) => renderEmail(passwordResetSubject, <PasswordResetEmail link={link} />),
  },
};

/**
 * Emails a single-use link (sign-in or password reset) when the address
 * belongs to an active account. The caller answers the same either way, and as
 * fast: the link is created and sent after the answer (`delivery`, which only
 * tests wait for).
 */
export async function requestEmailLink(
  scope: RequestScope,
  services: Pick<Services, "publicUrl">,
  input: { email: string; purpose: LoginTokenPurpose },
  client: ClientMeta,
  now: Date,
): Promise<{ throttled: boolean; delivery: Promise<void> }> {
  const email = normaliseEmail(input.email);
  if (await throttle(scope, input.purpose, email, client, now)) return { throttled: true, delivery: Promise.resolve() };
  const delivery = deliverLink(scope, services, email, input.purpose, now).catch((error: unknown) => {
    console.error("Could not send an emailed link:", error instanceof Error ? error.message : error);
  });
  return { throttled: false, delivery };
}

async function deliverLink(
  scope: RequestScope,
  services: Pick<Services, "publicUrl">,
  email: string,
  purpose: LoginTokenPurpose,
  now: Date,
): Promise<void> {
  const user = await findActiveUser(scope, email);
  if (!user) return;

  const token = generateToken();
  const tokenHash = hashToken(token);
  const template = LINK_MAIL[purpose];
  const link = new URL(`${template.path}?jeton=${encodeURIComponent(token)}`, services.publicUrl).toString();
  const mail = await template.render(link);
  // The link and its mail in one transaction: no mail without a working link, no link without its mail.
  await scope.withLookup({ tokenHash }, async (trx) => {
    await applyRequestContext(trx, { ...ANONYMOUS, userId: user.id }, { tokenHash });
    await trx
      .insertInto("login_tokens")
      .values({
        token_hash: tokenHash,
        user_id: user.id,
        purpose,
        created_at: now,
        expires_at: new Date(now.getTime() + LINK_LIFETIME_MS),
      })
      .execute();
    await enqueueEmail(trx, {
      kind: `${purpose}_link`,
      to: email,
      ...mail,
      expiresAt: new Date(now.getTime() + LINK_LIFETIME_MS),
    });
  });
}

/**
 * Uses an emailed link: atomically marks it used if it is unused, unexpired
 * and of this purpose. Of two concurrent uses, exactly one gets the user.
 */
export async function consumeLink(
  scope: RequestScope,
  token: string,
  purpose: LoginTokenPurpose,
  now: Date,
): Promise<string | null> {
  const tokenHash = hashToken(token);
  const used = await scope.withLookup({ tokenHash }, (trx) =>
    trx
      .updateTable("login_tokens")
      .set({ used_at: now })
      .where("token_hash", "=", tokenHash)
      .where("purpose", "=", purpose)
      .where("used_at", "is", null)
      .where("expires_at", ">", now)
      .returning("user_id")
      .executeTakeFirst(),
  );
  return used?.user_id ?? null;
}

/** Whether a link can still be used (to show the confirm page or say it expired), without using it. */
export async function isLinkUsable(scope: RequestScope, token: string, purpose: LoginTokenPurpose, now: Date) {
  const tokenHash = hashToken(token);
  const row = await scope.withLookup({ tokenHash }, (trx) =>
    trx
      .selectFrom("login_tokens")
      .select("token_hash")
      .where("token_hash", "=", tokenHash)
      .where("purpose", "=", purpose)
      .where("used_at", "is", null)
      .where("expires_at", ">", now)
      .executeTakeFirst(),
  );
  return row !== undefined;
}

export async function signInWithLink(
  scope: RequestScope,
  token: string,
  client: ClientMeta,
  now: Date,
): Promise<SignInResult> {
  const userId = await consumeLink(scope, token, "sign_in", now);
  const session = userId ? await createSessionFor(scope, userId, client, now, "link") : null;
  return session ? { ok: true, ...session } : { ok: false, reason: "invalid" };
}

/** Sets a new password from a reset link; every other session of the user ends. */
export async function resetPassword(
  scope: RequestScope,
  token: string,
  password: string,
  client: ClientMeta,
  now: Date,
): Promise<SignInResult> {
  const userId = await consumeLink(scope, token, "password_reset", now);
  if (!userId) return { ok: false, reason: "invalid" };
  await setPassword(scope, userId, password);
  const session = await createSessionFor(scope, userId, client, now, "reset");
  return session ? { ok: true, ...session } : { ok: false, reason: "invalid" };
}

/** Stores a new password hash and ends the user's sessions but `keepSessionId`. */
export async function setPassword(
  scope: RequestScope,
  userId: string,
  password: string,
  keepSessionId?: string,
): Promise<void> {
  const hash = await hashPassword(password);
  await scope.withLookup({}, async (trx) => {
    await applyRequestContext(trx, { ...ANONYMOUS, userId });
    await upsertPasswordHash(trx, userId, hash);
    await deleteSessionsOfUser(trx, userId, keepSessionId);
    const first = await firstMembershipOf(trx, userId);
    await applyRequestContext(trx, contextFor(userId, first));
    await recordEvent(trx, {
      action: "password.changed",
      cooperativeId: first?.cooperativeId ?? null,
      actorUserId: userId,
    });
  });
}
