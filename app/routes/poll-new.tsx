import { data, Form, redirect } from "react-router";
import { z } from "zod";
import { TextField } from "~/components/field";
import { NetworkBreadcrumb } from "~/components/network-sections";
import { requestScopeContext, servicesContext } from "~/context.server";
import { parseSlots, type SlotInput } from "~/domain/polls";
import { requireNetwork } from "~/network-viewer.server";
import { openPoll } from "~/queries/polls.server";
import type { Route } from "./+types/poll-new";

const SLOT_FIELDS = [
  { name: "date", label: "Date", type: "date" },
  { name: "start", label: "Début", type: "time" },
  { name: "end", label: "Fin", type: "time" },
] as const;

/** Rows offered by the form; more when more were typed. */
const ROWS = 5;

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { network } = await requireNetwork(context, request, params.id, { manage: true });
  return { network: { id: network.id, name: network.name } };
}

const pollSchema = z.object({
  title: z.string().trim().min(1, "Indiquez l'objet de la réunion.").max(200, "200 caractères au plus."),
  description: z.string().trim().max(5000, "5 000 caractères au plus."),
});

export async function action({ request, params, context }: Route.ActionArgs) {
  const { viewer, network } = await requireNetwork(context, request, params.id, { manage: true });
  const form = await request.formData();
  const [dates, starts, ends] = (["date", "start", "end"] as const).map((name) =>
    form.getAll(name).map((value) => String(value)),
  ) as [string[], string[], string[]];
  const slots: SlotInput[] = dates.map((date, index) => ({ date, start: starts[index] ?? "", end: ends[index] ?? "" }));
  const values = {
    title: String(form.get("title") ?? ""),
    description: String(form.get("description") ?? ""),
    slots,
  };
  const parsed = pollSchema.safeParse(values);
  const parsedSlots = parseSlots(slots, new Date());
  if (!parsed.success || !parsedSlots.ok) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error?.issues ?? []) errors[String(issue.path[0])] ??= issue.message;
    return data(
      {
        values,
        errors,
        rowErrors: parsedSlots.ok ? [] : parsedSlots.rowErrors,
        slotsError: parsedSlots.ok ? null : parsedSlots.formError,
      },
      { status: 400 },
    );
  }
  const pollId = await context.get(requestScopeContext).transaction((trx) =>
    openPoll(trx, context.get(servicesContext).publicUrl, {
      network,
      title: parsed.data.title,
      description: parsed.data.description,
      slots: parsedSlots.slots,
      actorUserId: viewer.userId,
    }),
  );
  throw redirect(`/reseaux/${network.id}/sondages/${pollId}`);
}

export default function PollNew({ loaderData, actionData }: Route.ComponentProps) {
  const { network } = loaderData;
  const failed = actionData ?? null;
  const typed = failed?.values.slots ?? [];
  const rows: SlotInput[] = [
    ...typed,
    ...Array.from({ length: Math.max(0, ROWS - typed.length) }, () => ({ date: "", start: "", end: "" })),
  ];
  return (
    <div className="page page--narrow">
      <title>{`Proposer des dates — ${network.name}`}</title>
      <NetworkBreadcrumb network={network} page="Proposer des dates" />
      <h1>Proposer des dates</h1>
      <p className="muted">
        Les contacts du réseau indiquent pour chaque créneau oui, si besoin ou non. Vous retenez ensuite un créneau : la
        réunion est créée et les convocations partent. Heures de Paris.
      </p>
      <Form method="post" className="stacked-form" noValidate>
        <TextField
          name="title"
          label="Objet de la réunion"
          maxLength={200}
          value={failed?.values.title ?? ""}
          error={failed?.errors.title}
        />
        <TextField
          name="description"
          label="Précisions (facultatif)"
          rows={4}
          value={failed?.values.description ?? ""}
          error={failed?.errors.description}
        />
        <fieldset aria-describedby={failed?.slotsError ? "creneaux-erreur" : undefined}>
          <legend>Créneaux proposés</legend>
          {failed?.slotsError ? (
            <p id="creneaux-erreur" className="field-error">
              {failed.slotsError}
            </p>
          ) : null}
          {rows.map((row, index) => {
            const error = failed?.rowErrors[index] ?? null;
            const errorId = `creneau-${index + 1}-erreur`;
            const described = error ? errorId : undefined;
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: the rows are positions of the form, never reordered.
              <div key={index} className="option-row">
                {SLOT_FIELDS.map((field) => (
                  <label key={field.name}>
                    {field.name === "date" ? `Date du créneau ${index + 1}` : field.label}
                    <input
                      type={field.type}
                      name={field.name}
                      defaultValue={row[field.name]}
                      aria-invalid={error ? true : undefined}
                      aria-describedby={described}
                    />
                  </label>
                ))}
                {error ? (
                  <p id={errorId} className="field-error">
                    {error}
                  </p>
                ) : null}
              </div>
            );
          })}
        </fieldset>
        <button type="submit">Ouvrir le sondage</button>
      </Form>
    </div>
  );
}
