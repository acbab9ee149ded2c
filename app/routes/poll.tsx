import { data, Form, Link } from "react-router";
import { z } from "zod";
import { NetworkBreadcrumb } from "~/components/network-sections";
import { requestScopeContext, servicesContext } from "~/context.server";
import { formatParisRange } from "~/domain/paris-time";
import { bestSlots, isPollAnswer, POLL_ANSWER_LABELS, POLL_ANSWERS } from "~/domain/polls";
import { requireNetwork } from "~/network-viewer.server";
import { isUuid } from "~/queries/network-access.server";
import { answerPoll, contactOrganisationsOf, findPoll, PollError, pickSlot, pollTally } from "~/queries/polls.server";
import type { PollAnswer } from "../../db/schema.ts";
import type { Route } from "./+types/poll";

const dateTimeFormat = new Intl.DateTimeFormat("fr-FR", {
  dateStyle: "long",
  timeStyle: "short",
  timeZone: "Europe/Paris",
});

async function requirePoll(request: Request, context: Route.LoaderArgs["context"], params: Route.LoaderArgs["params"]) {
  const { viewer, network } = await requireNetwork(context, request, params.id);
  const poll = isUuid(params.pollId)
    ? await context.get(requestScopeContext).transaction((trx) => findPoll(trx, network.id, params.pollId))
    : null;
  if (!poll) throw data({ message: "Sondage introuvable." }, { status: 404 });
  return { viewer, network, poll };
}

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { viewer, network, poll } = await requirePoll(request, context, params);
  return context.get(requestScopeContext).transaction(async (trx) => {
    const tally = await pollTally(trx, poll);
    const myOrganisations = await contactOrganisationsOf(trx, network.id, viewer.userId);
    const names = new Map(tally.organisations.map((organisation) => [organisation.organisationId, organisation.name]));
    const mine = Object.fromEntries(
      poll.answers.filter((answer) => answer.userId === viewer.userId).map((answer) => [answer.slotId, answer.answer]),
    );
    const picked = poll.slots.find((slot) => slot.id === poll.pickedSlotId);
    return {
      network: { id: network.id, name: network.name },
      manages: network.manages,
      poll: {
        id: poll.id,
        title: poll.title,
        description: poll.description,
        open: poll.status === "open",
        closedOn: poll.closedAt ? dateTimeFormat.format(poll.closedAt) : null,
        picked: picked ? formatParisRange(picked.startsAt, picked.endsAt) : null,
        meetingId: poll.meetingId,
      },
      slots: poll.slots.map((slot) => ({ id: slot.id, when: formatParisRange(slot.startsAt, slot.endsAt) })),
      tally: tally.slots,
      best: bestSlots(tally.slots),
      organisations: tally.organisations,
      me: {
        organisations: myOrganisations.map((id) => ({ id, name: names.get(id) ?? "—" })),
        answers: mine as Record<string, PollAnswer>,
        answeringFor: poll.answers.find((answer) => answer.userId === viewer.userId)?.organisationId ?? null,
      },
    };
  });
}

const pickSchema = z.object({
  slotId: z.uuid({ error: "Choisissez le créneau retenu." }),
  place: z.string().trim().max(300, "300 caractères au plus."),
  visioUrl: z
    .string()
    .trim()
    .refine((value) => value === "" || /^https?:\/\/\S+$/.test(value), "Le lien de visio commence par https://."),
});

export async function action({ request, params, context }: Route.ActionArgs) {
  const { viewer, network, poll } = await requirePoll(request, context, params);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const scope = context.get(requestScopeContext);

  if (intent === "answer") {
    const organisations = await scope.transaction((trx) => contactOrganisationsOf(trx, network.id, viewer.userId));
    if (organisations.length === 0) {
      throw data({ message: "Ce sondage s'adresse aux contacts du réseau." }, { status: 403 });
    }
    const chosen = String(form.get("organisationId") ?? "");
    const organisationId = organisations.includes(chosen) ? chosen : (organisations[0] as string);
    const answers: Record<string, PollAnswer> = {};
    for (const slot of poll.slots) {
      const value = form.get(`slot-${slot.id}`);
      if (value === null || value === "") continue;
      if (!isPollAnswer(value)) return data({ intent, error: "Réponse inconnue." }, { status: 400 });
      answers[slot.id] = value;
    }
    if (Object.keys(answers).length === 0) {
      return data({ intent, error: "Répondez pour au moins un créneau." }, { status: 400 });
    }
    try {
      await scope.transaction((trx) =>
        answerPoll(trx, { poll, cooperativeId: network.cooperativeId, userId: viewer.userId, organisationId, answers }),
      );
    } catch (error) {
      if (error instanceof PollError) return data({ intent, error: error.message }, { status: 400 });
      throw error;
    }
    return { intent, done: "Vos réponses sont enregistrées. Vous pouvez les changer tant que le sondage est ouvert." };
  }

  if (intent === "pick") {
    if (!network.manages) {
      throw data({ message: "Seuls les animateurs du réseau retiennent un créneau." }, { status: 403 });
    }
    const values = {
      slotId: String(form.get("slotId") ?? ""),
      place: String(form.get("place") ?? ""),
      visioUrl: String(form.get("visioUrl") ?? ""),
    };
    const parsed = pickSchema.safeParse(values);
    if (!parsed.success) {
      return data(
        { intent, error: parsed.error.issues[0]?.message ?? "Formulaire incomplet.", values },
        { status: 400 },
      );
    }
    try {
      const outcome = await scope.transaction((trx) =>
        pickSlot(trx, {
          network,
          pollId: poll.id,
          ...parsed.data,
          confirmRefused: form.get("confirm") === "1",
          actorUserId: viewer.userId,
          publicUrl: context.get(servicesContext).publicUrl,
        }),
      );
      if (!outcome.picked) return { intent, confirm: parsed.data };
      return {
        intent,
        done: `Créneau retenu : la réunion est créée et ${outcome.invited} convocation(s) envoyée(s).`,
        meetingId: outcome.meetingId,
      };
    } catch (error) {
      if (error instanceof PollError) return data({ intent, error: error.message, values }, { status: 400 });
      throw error;
    }
  }
  return data({ intent, error: "Action inconnue." }, { status: 400 });
}

export default function Poll({ loaderData, actionData }: Route.ComponentProps) {
  const { network, poll } = loaderData;
  return (
    <div className="page">
      <title>{`${poll.title} — Sondage de dates`}</title>
      <NetworkBreadcrumb network={network} page="Sondage" />
      <h1>{poll.title}</h1>
      {poll.description ? <p className="lead">{poll.description}</p> : null}
      {actionData && "done" in actionData ? (
        <p className="form-success" role="status">
          {actionData.done}{" "}
          {"meetingId" in actionData ? <Link to={`/reunions/${actionData.meetingId}`}>Voir la réunion</Link> : null}
        </p>
      ) : null}
      {actionData && "error" in actionData ? (
        <p className="form-error" role="alert">
          {actionData.error}
        </p>
      ) : null}
      {poll.open ? null : (
        <p className="notice">
          Sondage clos{poll.closedOn ? ` le ${poll.closedOn}` : ""}
          {poll.picked ? ` : créneau retenu, ${poll.picked}.` : "."}{" "}
          {poll.meetingId ? <Link to={`/reunions/${poll.meetingId}`}>Voir la réunion</Link> : null}
        </p>
      )}
      <MyAnswers loaderData={loaderData} />
      <SlotTallyTable loaderData={loaderData} />
      <OrganisationTallyTable loaderData={loaderData} />
      {loaderData.manages && poll.open ? <PickSlot loaderData={loaderData} actionData={actionData} /> : null}
    </div>
  );
}

type PollData = Route.ComponentProps["loaderData"];
type PickValues = { slotId: string; place: string; visioUrl: string };

function MyAnswers({ loaderData }: { loaderData: PollData }) {
  const { me, slots, poll } = loaderData;
  if (me.organisations.length === 0) {
    return poll.open ? (
      <p className="muted">Ce sondage s'adresse aux contacts des organisations membres du réseau.</p>
    ) : null;
  }
  if (!poll.open) return null;
  return (
    <section aria-labelledby="mes-reponses">
      <h2 id="mes-reponses">Vos disponibilités</h2>
      <Form method="post" className="stacked-form">
        <input type="hidden" name="intent" value="answer" />
        {me.organisations.length > 1 ? (
          <label>
            Vous répondez pour
            <select name="organisationId" defaultValue={me.answeringFor ?? me.organisations[0]?.id}>
              {me.organisations.map((organisation) => (
                <option key={organisation.id} value={organisation.id}>
                  {organisation.name}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <input type="hidden" name="organisationId" value={me.organisations[0]?.id} />
        )}
        {slots.map((slot) => (
          <fieldset key={slot.id} className="choice-group">
            <legend>{slot.when}</legend>
            {POLL_ANSWERS.map((answer) => (
              <label key={answer} className="choice">
                <input
                  type="radio"
                  name={`slot-${slot.id}`}
                  value={answer}
                  defaultChecked={me.answers[slot.id] === answer}
                />{" "}
                {POLL_ANSWER_LABELS[answer]}
              </label>
            ))}
          </fieldset>
        ))}
        <button type="submit">Enregistrer mes réponses</button>
      </Form>
    </section>
  );
}

function SlotTallyTable({ loaderData }: { loaderData: PollData }) {
  const { slots, tally, best } = loaderData;
  return (
    <section aria-labelledby="resultats">
      <h2 id="resultats">Résultats par créneau</h2>
      <div className="table-scroll">
        <table className="data-table">
          <caption>Réponses des contacts du réseau ; une organisation est présente si l'un des siens dit oui.</caption>
          <thead>
            <tr>
              <th scope="col">Créneau</th>
              <th scope="col">Oui</th>
              <th scope="col">Si besoin</th>
              <th scope="col">Non</th>
              <th scope="col">Sans réponse</th>
              <th scope="col">Organisations présentes (oui / si besoin)</th>
            </tr>
          </thead>
          <tbody>
            {slots.map((slot) => {
              const counts = tally.find((row) => row.slotId === slot.id);
              return (
                <tr key={slot.id}>
                  <th scope="row">
                    {slot.when}
                    {best.includes(slot.id) ? (
                      <>
                        {" "}
                        <span className="badge badge--active">Le plus favorable</span>
                      </>
                    ) : null}
                  </th>
                  <td className="numeric">{counts?.yes ?? 0}</td>
                  <td className="numeric">{counts?.ifNeeded ?? 0}</td>
                  <td className="numeric">{counts?.no ?? 0}</td>
                  <td className="numeric">{counts?.pending ?? 0}</td>
                  <td className="numeric">
                    {counts?.organisationsYes ?? 0} / {counts?.organisationsIfNeeded ?? 0}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function OrganisationTallyTable({ loaderData }: { loaderData: PollData }) {
  const { slots, organisations } = loaderData;
  if (organisations.length === 0) return null;
  return (
    <section aria-labelledby="par-organisation">
      <h2 id="par-organisation">Par organisation</h2>
      <div className="table-scroll">
        <table className="data-table">
          <caption>La meilleure réponse des contacts de chaque organisation</caption>
          <thead>
            <tr>
              <th scope="col">Organisation</th>
              {slots.map((slot) => (
                <th key={slot.id} scope="col">
                  {slot.when}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {organisations.map((organisation) => (
              <tr key={organisation.organisationId}>
                <th scope="row">{organisation.name}</th>
                {slots.map((slot) => {
                  const answer = organisation.bySlot[slot.id];
                  return <td key={slot.id}>{answer ? POLL_ANSWER_LABELS[answer] : "—"}</td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function PickSlot({
  loaderData,
  actionData,
}: {
  loaderData: PollData;
  actionData: Route.ComponentProps["actionData"];
}) {
  const { slots, tally } = loaderData;
  const confirm = actionData && "confirm" in actionData ? actionData.confirm : null;
  const typed = actionData && "values" in actionData ? (actionData.values as PickValues) : null;
  if (confirm) {
    const slot = slots.find((candidate) => candidate.id === confirm.slotId);
    return (
      <Form method="post" className="panel">
        <p>
          Tous ceux qui ont répondu ont dit non pour le <strong>{slot?.when}</strong>. Retenir quand même ce créneau ?
        </p>
        <input type="hidden" name="intent" value="pick" />
        <input type="hidden" name="confirm" value="1" />
        <input type="hidden" name="slotId" value={confirm.slotId} />
        <input type="hidden" name="place" value={confirm.place} />
        <input type="hidden" name="visioUrl" value={confirm.visioUrl} />
        <div className="inline-actions">
          <button type="submit">Retenir ce créneau malgré tout</button>
          <Link to=".">Choisir un autre créneau</Link>
        </div>
      </Form>
    );
  }
  return (
    <section aria-labelledby="retenir">
      <h2 id="retenir">Retenir un créneau</h2>
      <p className="muted">
        Le sondage se clôt, la réunion est créée et les contacts du réseau reçoivent leur convocation.
      </p>
      <Form method="post" className="stacked-form">
        <input type="hidden" name="intent" value="pick" />
        <fieldset className="choice-group">
          <legend>Créneau retenu</legend>
          {slots.map((slot) => (
            <label key={slot.id} className="choice">
              <input type="radio" name="slotId" value={slot.id} defaultChecked={typed?.slotId === slot.id} />{" "}
              {slot.when}
              {tally.find((row) => row.slotId === slot.id)?.everyoneRefused ? (
                <span className="muted"> (tous ont répondu non)</span>
              ) : null}
            </label>
          ))}
        </fieldset>
        <label>
          Lieu (facultatif)
          <input name="place" maxLength={300} defaultValue={typed?.place ?? ""} />
        </label>
        <label>
          Lien de visio (facultatif)
          <input name="visioUrl" type="url" defaultValue={typed?.visioUrl ?? ""} />
        </label>
        <button type="submit">Retenir et convoquer</button>
      </Form>
    </section>
  );
}
