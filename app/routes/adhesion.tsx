import { data, Form, Link, redirect } from "react-router";
import { z } from "zod";
import {
  type Actor,
  acceptAdhesionRulebook,
  approvalDate,
  changeAdhesion,
  changePlanFor,
  changePricing,
  decideAdhesion,
  giveAdhesionNotice,
  noticePlanFor,
  raceRefusal,
  type StepOutcome,
  withdrawAdhesion,
} from "~/adhesions.server";
import { clientMeta, requirePermission } from "~/auth/guards.server";
import { ChoiceFields, readChoices } from "~/components/adhesion-fields";
import { requestScopeContext, servicesContext } from "~/context.server";
import { formatCalendarDate, formatParisDateTime, parisToday } from "~/domain/format";
import { can } from "~/domain/permissions";
import {
  describeEvent,
  describeOptions,
  describeUnits,
  displayStatus,
  type FieldErrors,
  TAKES_EFFECT_LABELS,
  unitFields,
  unitsInputValue,
} from "~/domain/subscription-rules";
import { findSubscription, listSubscriptionEvents } from "~/queries/subscriptions.server";
import type { Route } from "./+types/adhesion";

const NOT_FOUND = "Adhésion introuvable.";

const STEPS = ["approve", "reject", "withdraw", "change", "notice", "rulebook"] as const;
type Step = (typeof STEPS)[number];

function idOf(params: { id: string }): string {
  const parsed = z.uuid().safeParse(params.id);
  if (!parsed.success) throw data({ message: NOT_FOUND }, { status: 404 });
  return parsed.data;
}

/** The subscription, its history and what the viewer may do with it (its organisation's people, operator admins). */
export async function loader({ params, request, context }: Route.LoaderArgs) {
  const { context: who } = requirePermission(context, request, "subscriptions.read");
  const id = idOf(params);
  const now = new Date();
  const today = parisToday(now);
  const search = new URL(request.url).searchParams;
  return context.get(requestScopeContext).transaction(async (trx) => {
    const subscription = await findSubscription(trx, id, who.cooperativeId as string);
    // Row-level security hides other organisations' subscriptions; the check says it again.
    if (!subscription || (who.role !== "operator_admin" && subscription.organisationId !== who.organisationId)) {
      throw data({ message: NOT_FOUND }, { status: 404 });
    }
    const events = await listSubscriptionEvents(trx, id);
    const own = subscription.organisationId === who.organisationId && can(who.role, "subscriptions.request");
    const decides = can(who.role, "subscriptions.approve");
    const running =
      subscription.status === "active" &&
      (subscription.endsOn === null || subscription.endsOn >= today) &&
      !subscription.successor;
    const current = subscription.offer.currentRulebook;
    const allowed: Record<Step, boolean> = {
      approve: decides && subscription.status === "requested",
      reject: decides && subscription.status === "requested",
      withdraw: own && subscription.status === "requested",
      change: own && running,
      notice: own && running && subscription.noticeGivenAt === null,
      rulebook:
        own &&
        subscription.status === "active" &&
        current !== null &&
        (subscription.rulebookVersion ?? 0) < current.version,
    };
    const asked = search.get("etape");
    const step = STEPS.find((candidate) => candidate === asked && allowed[candidate]) ?? null;
    const plan = allowed.change ? changePlanFor(subscription, now) : null;
    const pricing = step === "change" ? await changePricing(trx, subscription, now) : null;
    return {
      subscription: {
        id: subscription.id,
        organisationName: subscription.organisationName,
        offerId: subscription.offer.id,
        offerTitle: subscription.offer.title,
        offerOptions: subscription.offer.options,
        status: displayStatus(subscription, today),
        startsOn: subscription.startsOn,
        endsOn: subscription.endsOn,
        options: describeOptions(subscription.optionKeys, subscription.offer.options),
        units: describeUnits(subscription.declaredUnits),
        optionKeys: subscription.optionKeys,
        unitValues: Object.fromEntries(
          Object.entries(subscription.declaredUnits).map(([key, value]) => [key, unitsInputValue(value)]),
        ),
        rejectionReason: subscription.rejectionReason,
        councilDecisionNumber: subscription.councilDecisionNumber,
        councilDecisionDate: subscription.councilDecisionDate,
        councilDocument: subscription.councilDocument,
        rulebookVersion: subscription.rulebookVersion,
        currentRulebook: current,
        noticeGivenAt: subscription.noticeGivenAt ? formatParisDateTime(subscription.noticeGivenAt) : null,
        takesEffect: TAKES_EFFECT_LABELS[subscription.offer.takesEffect],
        noticeMonths: subscription.offer.noticeMonths,
        replacesId: subscription.replacesId,
        successor: subscription.successor,
      },
      events: events.map((event) => ({
        id: event.id,
        when: formatParisDateTime(event.createdAt),
        who: event.actorName ?? "—",
        what: describeEvent(event.action, event.details),
      })),
      allowed,
      step,
      preview: {
        approvalDate: allowed.approve ? approvalDate(subscription, now) : null,
        notice: allowed.notice ? noticePlanFor(subscription, now) : null,
        plan,
      },
      units: unitFields(pricing),
      flash: search.get("demande")
        ? "Demande envoyée : l'opérateur a été prévenu."
        : search.get("active")
          ? "Adhésion enregistrée : elle est active."
          : (DONE_MESSAGES[search.get("fait") ?? ""] ?? null),
    };
  });
}

const stepForm = z.object({ intent: z.enum(STEPS, { error: "Action inconnue." }) });

export async function action({ params, request, context }: Route.ActionArgs) {
  requirePermission(context, request, "subscriptions.read");
  const form = await request.formData();
  const parsedStep = stepForm.safeParse({ intent: form.get("intent") });
  if (!parsedStep.success)
    return data({ message: "Action inconnue.", errors: {} as FieldErrors, values: null }, { status: 400 });
  const step = parsedStep.data.intent;
  const permission = step === "approve" || step === "reject" ? "subscriptions.approve" : "subscriptions.request";
  const { context: who } = requirePermission(context, request, permission);
  const id = idOf(params);
  const actor: Actor = {
    context: who as Actor["context"],
    publicUrl: context.get(servicesContext).publicUrl,
    ipAddress: clientMeta(context, request).ipAddress,
  };
  const choices = step === "change" ? readChoices(form) : null;
  const outcome: StepOutcome<object> = await context
    .get(requestScopeContext)
    .transaction(async (trx): Promise<StepOutcome<object>> => {
      switch (step) {
        case "approve":
          return decideAdhesion(trx, actor, { id, decision: "approve" });
        case "reject":
          return decideAdhesion(trx, actor, { id, decision: "reject", reason: String(form.get("reason") ?? "") });
        case "withdraw":
          return withdrawAdhesion(trx, actor, { id });
        case "change":
          return changeAdhesion(trx, actor, { id, draft: choices ?? { optionKeys: [], units: {} } });
        case "notice":
          return giveAdhesionNotice(trx, actor, { id });
        case "rulebook":
          return acceptAdhesionRulebook(trx, actor, { id, rulebookVersionId: String(form.get("rulebook") ?? "") });
      }
    })
    .catch((error: unknown) => {
      // Another step on this subscription got there first (the overlap trigger settled it).
      const refusal = raceRefusal(error, "step");
      if (refusal) return refusal;
      throw error;
    });
  if (!outcome.ok) {
    if (outcome.status === 404) throw data({ message: outcome.message ?? NOT_FOUND }, { status: 404 });
    return data(
      {
        message: outcome.message ?? "Le formulaire contient des erreurs : corrigez les champs signalés.",
        errors: outcome.errors ?? {},
        values: { step, reason: String(form.get("reason") ?? "").slice(0, 1000), choices },
      },
      { status: 400 },
    );
  }
  const done: Record<Step, string> = {
    approve: "acceptee",
    reject: "refusee",
    withdraw: "retiree",
    change: "modifiee",
    notice: "preavis",
    rulebook: "reglement",
  };
  return redirect(`/adhesions/${id}?fait=${done[step]}`);
}

const DONE_MESSAGES: Record<string, string> = {
  acceptee: "Demande acceptée : l'organisation a été prévenue.",
  refusee: "Demande refusée : l'organisation a été prévenue.",
  retiree: "Demande retirée : l'opérateur a été prévenu.",
  modifiee: "Modification enregistrée : l'opérateur a été prévenu.",
  preavis: "Préavis enregistré : l'opérateur a été prévenu.",
  reglement: "Version du règlement acceptée.",
};

export default function Adhesion({ loaderData, actionData }: Route.ComponentProps) {
  const { subscription: s, events, allowed, step, preview, units } = loaderData;
  const errors: FieldErrors = actionData?.errors ?? {};
  const failedStep = actionData?.values?.step ?? null;
  const shown = failedStep ?? step;
  const cancel = <Link to={`/adhesions/${s.id}`}>Annuler</Link>;
  return (
    <div className="page">
      <title>{`${s.offerTitle} — ${s.organisationName} — Coopérative de services`}</title>
      <nav aria-label="Fil d'Ariane" className="breadcrumb">
        <Link to="/adhesions">Adhésions</Link> <span aria-hidden="true">›</span> <span>{s.offerTitle}</span>
      </nav>
      <h1>
        {s.offerTitle} — {s.organisationName}
      </h1>
      {loaderData.flash && !actionData ? (
        <p className="form-success" role="status">
          {loaderData.flash}
        </p>
      ) : null}
      {actionData?.message ? (
        <p className="form-error" role="alert">
          {actionData.message}
        </p>
      ) : null}
      <dl className="facts">
        <div>
          <dt>Statut</dt>
          <dd>{s.status}</dd>
        </div>
        <div>
          <dt>Depuis</dt>
          <dd>{s.startsOn ? formatCalendarDate(s.startsOn) : "—"}</dd>
        </div>
        <div>
          <dt>Jusqu'au</dt>
          <dd>{s.endsOn ? formatCalendarDate(s.endsOn) : "sans date de fin"}</dd>
        </div>
        <div>
          <dt>Options</dt>
          <dd>{s.options}</dd>
        </div>
        <div>
          <dt>Quantités déclarées</dt>
          <dd>{s.units}</dd>
        </div>
        <div>
          <dt>Délibération</dt>
          <dd>
            {s.councilDecisionNumber
              ? `n° ${s.councilDecisionNumber}${s.councilDecisionDate ? ` du ${formatCalendarDate(s.councilDecisionDate)}` : ""}`
              : "—"}
            {s.councilDocument ? (
              <>
                {" "}
                (<a href={`/documents/${s.councilDocument.id}`}>télécharger {s.councilDocument.filename}</a>)
              </>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>Règlement accepté</dt>
          <dd>
            {s.rulebookVersion ? `version ${s.rulebookVersion}` : "—"}
            {s.currentRulebook && (s.rulebookVersion ?? 0) < s.currentRulebook.version
              ? ` (version ${s.currentRulebook.version} à accepter)`
              : null}
          </dd>
        </div>
        <div>
          <dt>Prise d'effet</dt>
          <dd>
            {s.takesEffect} ; préavis de {s.noticeMonths} mois
          </dd>
        </div>
        {s.noticeGivenAt ? (
          <div>
            <dt>Préavis donné</dt>
            <dd>le {s.noticeGivenAt}</dd>
          </div>
        ) : null}
        {s.rejectionReason ? (
          <div>
            <dt>Motif du refus</dt>
            <dd>{s.rejectionReason}</dd>
          </div>
        ) : null}
      </dl>
      {s.replacesId ? (
        <p>
          Cette adhésion fait suite à <Link to={`/adhesions/${s.replacesId}`}>l'adhésion précédente</Link>.
        </p>
      ) : null}
      {s.successor ? (
        <p>
          Une modification prend effet le {formatCalendarDate(s.successor.startsOn ?? "")} :{" "}
          <Link to={`/adhesions/${s.successor.id}`}>voir l'adhésion qui la porte</Link>.
        </p>
      ) : null}

      {shown === null ? (
        <ul className="inline-actions" aria-label="Actions">
          {allowed.approve ? (
            <li>
              <Link to="?etape=approve">Accepter la demande…</Link>
            </li>
          ) : null}
          {allowed.reject ? (
            <li>
              <Link to="?etape=reject">Refuser la demande…</Link>
            </li>
          ) : null}
          {allowed.withdraw ? (
            <li>
              <Link to="?etape=withdraw">Retirer la demande…</Link>
            </li>
          ) : null}
          {allowed.change ? (
            <li>
              <Link to="?etape=change">Modifier les options ou quantités…</Link>
            </li>
          ) : null}
          {allowed.notice ? (
            <li>
              <Link to="?etape=notice">Donner le préavis…</Link>
            </li>
          ) : null}
          {allowed.rulebook ? (
            <li>
              <Link to="?etape=rulebook">Accepter la nouvelle version du règlement…</Link>
            </li>
          ) : null}
        </ul>
      ) : null}

      {shown === "approve" && preview.approvalDate ? (
        <Form method="post" className="panel">
          <p>
            Accepter la demande de <strong>{s.organisationName}</strong> ? L'adhésion prendra effet le{" "}
            <strong>{formatCalendarDate(preview.approvalDate)}</strong> ({s.takesEffect}). Les référents de
            l'organisation seront prévenus.
          </p>
          <input type="hidden" name="intent" value="approve" />
          <button type="submit">Confirmer l'acceptation</button> {cancel}
        </Form>
      ) : null}
      {shown === "reject" ? (
        <Form method="post" className="panel stacked-form" noValidate>
          <input type="hidden" name="intent" value="reject" />
          <label htmlFor="reason">Motif du refus (communiqué à l'organisation)</label>
          <textarea
            id="reason"
            name="reason"
            maxLength={1000}
            rows={3}
            defaultValue={actionData?.values?.reason ?? ""}
            aria-invalid={errors.reason ? true : undefined}
            aria-describedby={errors.reason ? "reason-erreur" : undefined}
          />
          {errors.reason ? (
            <p id="reason-erreur" className="field-error">
              {errors.reason}
            </p>
          ) : null}
          <div className="inline-actions">
            <button type="submit">Confirmer le refus</button> {cancel}
          </div>
        </Form>
      ) : null}
      {shown === "withdraw" ? (
        <Form method="post" className="panel">
          <p>Retirer la demande d'adhésion à « {s.offerTitle} » ? L'opérateur en sera prévenu.</p>
          <input type="hidden" name="intent" value="withdraw" />
          <button type="submit">Confirmer le retrait</button> {cancel}
        </Form>
      ) : null}
      {shown === "change" && preview.plan ? (
        <Form method="post" className="panel stacked-form" noValidate>
          <input type="hidden" name="intent" value="change" />
          <p>
            {preview.plan.kind === "in_place"
              ? "La modification s'applique à l'adhésion en cours dès son enregistrement : l'estimation de l'année en tient compte."
              : `La modification prendra effet le ${formatCalendarDate(preview.plan.startsOn)} : l'adhésion actuelle se terminera le ${formatCalendarDate(preview.plan.currentEndsOn)} et une nouvelle adhésion, avec ces valeurs, lui succédera.`}
          </p>
          <ChoiceFields
            options={s.offerOptions}
            units={units}
            values={actionData?.values?.choices ?? { optionKeys: s.optionKeys, units: s.unitValues }}
            errors={errors}
          />
          <div className="inline-actions">
            <button type="submit">Enregistrer la modification</button> {cancel}
          </div>
        </Form>
      ) : null}
      {shown === "notice" && preview.notice ? (
        <Form method="post" className="panel">
          <p>
            Donner le préavis pour « {s.offerTitle} » ? Avec un préavis de {s.noticeMonths} mois, l'adhésion se
            terminera le <strong>{formatCalendarDate(preview.notice.endsOn)}</strong>
            {preview.notice.kind === "cancel_change" && s.startsOn
              ? `, avant la modification prévue au ${formatCalendarDate(s.startsOn)}, qui sera annulée`
              : ""}
            . L'opérateur en sera prévenu.
          </p>
          <input type="hidden" name="intent" value="notice" />
          <button type="submit">Confirmer le préavis</button> {cancel}
        </Form>
      ) : null}
      {shown === "rulebook" && s.currentRulebook ? (
        <Form method="post" className="panel stacked-form">
          <input type="hidden" name="intent" value="rulebook" />
          <div className="checkbox-field">
            <input
              type="checkbox"
              id="rulebook"
              name="rulebook"
              value={s.currentRulebook.id}
              aria-describedby={errors.rulebook ? "rulebook-erreur" : undefined}
            />
            <label htmlFor="rulebook">
              J'accepte, pour mon organisation, la version {s.currentRulebook.version} du règlement de l'offre.
            </label>
          </div>
          {errors.rulebook ? (
            <p id="rulebook-erreur" className="field-error">
              {errors.rulebook}
            </p>
          ) : null}
          <div className="inline-actions">
            <button type="submit">Enregistrer l'acceptation</button> {cancel}
          </div>
        </Form>
      ) : null}

      <h2>Historique</h2>
      {events.length === 0 ? (
        <p className="muted">Aucun événement enregistré.</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Quand</th>
                <th scope="col">Qui</th>
                <th scope="col">Quoi</th>
              </tr>
            </thead>
            <tbody>
              {events.map((event) => (
                <tr key={event.id}>
                  <td>{event.when}</td>
                  <td>{event.who}</td>
                  <td>{event.what}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
