import { data, Form, Link, redirect } from "react-router";
import { renderSVG } from "uqr";
import { z } from "zod";
import { clientMeta, requireSession, safeReturnPath } from "~/auth/guards.server";
import { enrolTotp, removeTotp, secondFactorStatus } from "~/auth/second-factor.server";
import { generateTotpSecret, groupedSecret, totpKeyUri } from "~/auth/totp.server";
import { pendingSecondFactorContext, servicesContext } from "~/context.server";
import { formatParisDate } from "~/domain/format";
import type { Route } from "./+types/second-factor";

const ISSUER = "Coopérative de services";
const enrolForm = z.object({
  secret: z.string().regex(/^[A-Z2-7]{32}$/),
  code: z.string().trim().min(1, { error: "Saisissez le code affiché par l'application." }),
});

interface Enrolment {
  secret: string;
  grouped: string;
  /** The otpauth URI drawn as an SVG QR code, as a data: URL (allowed by the CSP's img-src). */
  qrCode: string;
}

function enrolment(secret: string, email: string): Enrolment {
  const svg = renderSVG(totpKeyUri(ISSUER, email, secret));
  return {
    secret,
    grouped: groupedSecret(secret),
    qrCode: `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`,
  };
}

/** The session (signed in, or owing an enrolment it must do first) and the scope to act as its user. */
function sessionOf(context: Route.LoaderArgs["context"], request: Request, retour: string) {
  const pending = context.get(pendingSecondFactorContext);
  if (pending?.need === "verify") throw redirect(`/connexion/verification?retour=${encodeURIComponent(retour)}`);
  const authentication = requireSession(context, request);
  return { authentication, mustEnrolNow: pending?.need === "enrol" };
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const url = new URL(request.url);
  const retour = safeReturnPath(url.searchParams.get("retour"));
  const { authentication, mustEnrolNow } = sessionOf(context, request, retour);
  const scope = context.get(servicesContext).scopes(authentication.context);
  const status = await scope.transaction((trx) => secondFactorStatus(trx, authentication.user.id));
  const changing = url.searchParams.get("changer") === "1";
  const removing = url.searchParams.get("desactiver") === "1";
  return {
    retour,
    mustEnrolNow,
    required: authentication.secondFactor.required,
    status: { ...status, enrolledAt: status.enrolledAt?.toISOString() ?? null },
    removing: removing && status.enrolled && !authentication.secondFactor.required,
    enrolment: !status.enrolled || changing ? enrolment(generateTotpSecret(), authentication.user.email) : null,
  };
}

export async function action({ request, context }: Route.ActionArgs) {
  const form = await request.formData();
  const retour = safeReturnPath(String(form.get("retour") ?? ""));
  const { authentication } = sessionOf(context, request, retour);
  const scope = context.get(servicesContext).scopes(authentication.context);
  const client = clientMeta(context, request);
  const intent = form.get("intent");

  if (intent === "enrol") {
    const parsed = enrolForm.safeParse({ secret: form.get("secret"), code: form.get("code") ?? "" });
    if (!parsed.success) {
      const secret = String(form.get("secret") ?? "");
      return data(
        {
          intent,
          error: parsed.error.issues[0]?.message ?? "Formulaire incomplet.",
          enrolment: /^[A-Z2-7]{32}$/.test(secret) ? enrolment(secret, authentication.user.email) : null,
        },
        { status: 400 },
      );
    }
    const result = await enrolTotp(
      scope,
      { userId: authentication.user.id, sessionId: authentication.sessionId, ...parsed.data },
      client,
      new Date(),
    );
    if (!result.ok) {
      return data(
        {
          intent,
          error:
            "Ce code ne correspond pas. Vérifiez l'heure de votre téléphone et saisissez le code affiché maintenant.",
          enrolment: enrolment(parsed.data.secret, authentication.user.email),
        },
        { status: 400 },
      );
    }
    return { intent, recoveryCodes: result.recoveryCodes };
  }

  if (intent === "remove") {
    if (authentication.secondFactor.required) {
      return data(
        { intent, error: "La double authentification est obligatoire pour les administrateurs." },
        { status: 403 },
      );
    }
    await removeTotp(scope, authentication.user.id, client);
    return redirect("/compte/double-authentification");
  }
  throw data({ message: "Action inconnue." }, { status: 400 });
}

export default function SecondFactor({ loaderData, actionData }: Route.ComponentProps) {
  const { retour, mustEnrolNow, required, status, removing } = loaderData;
  if (actionData && "recoveryCodes" in actionData) {
    return (
      <div className="page page--narrow">
        <title>Codes de secours — Coopérative de services</title>
        <h1>Double authentification activée</h1>
        <p role="status" className="form-success">
          Votre application d'authentification est enregistrée.
        </p>
        <section aria-labelledby="codes-de-secours" className="panel">
          <h2 id="codes-de-secours">Vos codes de secours</h2>
          <p>
            Notez ou imprimez ces {actionData.recoveryCodes.length} codes et gardez-les en lieu sûr : chacun permet une
            seule connexion si vous n'avez plus votre téléphone. Ils ne seront plus affichés.
          </p>
          <ul className="recovery-codes" aria-label="Codes de secours">
            {actionData.recoveryCodes.map((code) => (
              <li key={code}>
                <code>{code}</code>
              </li>
            ))}
          </ul>
        </section>
        <p>
          <Link to={retour} className="button-link">
            J'ai noté mes codes, continuer
          </Link>
        </p>
      </div>
    );
  }

  const failed = actionData && "error" in actionData ? actionData : null;
  const retried: Enrolment | null = failed && "enrolment" in failed ? (failed.enrolment as Enrolment | null) : null;
  const shown = retried ?? loaderData.enrolment;
  return (
    <div className="page page--narrow">
      <title>Double authentification — Coopérative de services</title>
      <h1>Double authentification</h1>
      {mustEnrolNow ? (
        <p className="notice" role="status">
          Votre rôle d'administrateur de la coopérative exige une double authentification : activez-la pour continuer.
        </p>
      ) : null}
      {status.enrolled ? (
        <section aria-labelledby="etat" className="panel">
          <h2 id="etat">Activée</h2>
          <p>
            Depuis le {formatParisDate(new Date(status.enrolledAt ?? 0))}. Codes de secours restants :{" "}
            <strong>{status.recoveryCodesLeft}</strong>
            {status.recoveryCodesLeft <= 3 ? " — changez d'application pour en obtenir de nouveaux." : "."}
          </p>
          {!shown ? (
            <p>
              <Link to="?changer=1">Changer d'application ou de téléphone</Link>
              {required ? null : (
                <>
                  {" · "}
                  <Link to="?desactiver=1">Désactiver la double authentification</Link>
                </>
              )}
            </p>
          ) : null}
          {removing ? (
            <Form method="post" className="panel">
              <input type="hidden" name="intent" value="remove" />
              <p>
                Désactiver la double authentification ? Votre compte ne sera plus protégé que par votre mot de passe.
              </p>
              <button type="submit">Confirmer la désactivation</button> <Link to=".">Annuler</Link>
            </Form>
          ) : null}
          {failed && !("enrolment" in failed) ? (
            <p className="form-error" role="alert">
              {failed.error}
            </p>
          ) : null}
        </section>
      ) : !mustEnrolNow ? (
        <p>
          Protégez votre compte par un code à usage unique en plus du mot de passe
          {required ? " (obligatoire pour les administrateurs)" : " (facultatif pour votre rôle)"}.
        </p>
      ) : null}
      {shown ? (
        <section aria-labelledby="enrolement" className="panel">
          <h2 id="enrolement">{status.enrolled ? "Nouvelle application" : "Activer avec une application"}</h2>
          <ol className="steps">
            <li>
              Installez une application d'authentification (FreeOTP, Aegis, Google Authenticator, Microsoft
              Authenticator…).
            </li>
            <li>
              Scannez ce code QR, ou saisissez la clé : <code data-testid="totp-secret">{shown.grouped}</code>
              <img className="qr-code" src={shown.qrCode} alt="Code QR à scanner avec l'application" />
            </li>
            <li>Saisissez le code à 6 chiffres que l'application affiche.</li>
          </ol>
          <Form method="post" className="stacked-form">
            <input type="hidden" name="intent" value="enrol" />
            <input type="hidden" name="retour" value={retour} />
            <input type="hidden" name="secret" value={shown.secret} />
            {failed && "enrolment" in failed ? (
              <p className="form-error" role="alert">
                {failed.error}
              </p>
            ) : null}
            <label htmlFor="code">Code à 6 chiffres</label>
            <input id="code" name="code" inputMode="numeric" autoComplete="one-time-code" maxLength={7} required />
            <button type="submit">Activer</button>
            {status.enrolled ? <Link to=".">Annuler</Link> : null}
          </Form>
        </section>
      ) : null}
      {mustEnrolNow ? (
        <Form method="post" action="/deconnexion">
          <button type="submit" className="text-button">
            Se déconnecter
          </button>
        </Form>
      ) : (
        <p>
          <Link to="/compte">Retour à mon compte</Link>
        </p>
      )}
    </div>
  );
}
