import { ANONYMOUS, applyRequestContext } from "../../db/request-context.ts";
import type { LoginTokenPurpose } from "../../db/schema.ts";
import type { RequestScope, Services } from "../context.server.ts";
import { deleteSessionsOfUser } from "../queries/sessions.server.ts";
import { LINK_LIFETIME_MS } from "./links.ts";
import { hashPassword, verifyAgainstNothing, verifyPassword } from "./password.server.ts";
import { startSession } from "./session.server.ts";
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

/** Counts the attempt against the account and the IP address; false when either is over its limit. */
async function throttle(scope: RequestScope, email: string, client: ClientMeta, now: Date) {
  const [account, ip] = await Promise.all([
    countAttempt(scope, "account", email, now),
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
  const throttled = await throttle(scope, email, client, now);
  if (throttled) return { ok: false, reason: "throttled", ...throttled };

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
  if (!user || !valid) return { ok: false, reason: "invalid" };

  await clearAttempts(scope, "account", email);
  const session = await createSessionFor(scope, user.id, client, now);
  return { ok: true, ...session };
}

async function createSessionFor(scope: RequestScope, userId: string, client: ClientMeta, now: Date) {
  return scope.withLookup({}, async (trx) => {
    await applyRequestContext(trx, { ...ANONYMOUS, userId });
    return startSession(trx, userId, { userAgent: client.userAgent, ipAddress: client.ipAddress }, now);
  });
}

const LINK_MAIL: Record<LoginTokenPurpose, { subject: string; path: string; body: (link: string) => string }> = {
  sign_in: {
    subject: "Votre lien de connexion",
    path: "/connexion/lien",
    body: (link) =>
      `Bonjour,\n\nPour vous connecter au portail de la coopérative, ouvrez ce lien puis confirmez :\n${link}\n\n` +
      "Il est valable 10 minutes et ne sert qu'une fois. Si vous n'avez rien demandé, ignorez ce message.\n",
  },
  password_reset: {
    subject: "Choisir un nouveau mot de passe",
    path: "/mot-de-passe/nouveau",
    body: (link) =>
      `Bonjour,\n\nPour choisir un nouveau mot de passe, ouvrez ce lien :\n${link}\n\n` +
      "Il est valable 10 minutes et ne sert qu'une fois. Si vous n'avez rien demandé, ignorez ce message : " +
      "votre mot de passe actuel reste valable.\n",
  },
};

/**
 * Emails a single-use link (sign-in or password reset) when the address
 * belongs to an active account. The caller answers the same either way.
 */
export async function requestEmailLink(
  scope: RequestScope,
  services: Pick<Services, "mail" | "publicUrl">,
  input: { email: string; purpose: LoginTokenPurpose },
  client: ClientMeta,
  now: Date,
): Promise<{ throttled: boolean }> {
  const email = normaliseEmail(input.email);
  if (await throttle(scope, email, client, now)) return { throttled: true };
  const user = await findActiveUser(scope, email);
  if (!user) return { throttled: false };

  const token = generateToken();
  const tokenHash = hashToken(token);
  await scope.withLookup({ tokenHash }, async (trx) => {
    await applyRequestContext(trx, { ...ANONYMOUS, userId: user.id }, { tokenHash });
    await trx
      .insertInto("login_tokens")
      .values({
        token_hash: tokenHash,
        user_id: user.id,
        purpose: input.purpose,
        created_at: now,
        expires_at: new Date(now.getTime() + LINK_LIFETIME_MS),
      })
      .execute();
  });
  const mail = LINK_MAIL[input.purpose];
  const link = new URL(`${mail.path}?jeton=${encodeURIComponent(token)}`, services.publicUrl).toString();
  await services.mail.send({ to: email, subject: mail.subject, text: mail.body(link) });
  return { throttled: false };
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
  if (!userId) return { ok: false, reason: "invalid" };
  return { ok: true, ...(await createSessionFor(scope, userId, client, now)) };
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
  return { ok: true, ...(await createSessionFor(scope, userId, client, now)) };
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
    await trx
      .insertInto("password_credentials")
      .values({ user_id: userId, hash })
      .onConflict((conflict) => conflict.column("user_id").doUpdateSet({ hash, updated_at: new Date() }))
      .execute();
    await deleteSessionsOfUser(trx, userId, keepSessionId);
  });
}
