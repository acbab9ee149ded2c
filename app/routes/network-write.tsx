import { data, Form } from "react-router";
import { z } from "zod";
import { TextField } from "~/components/field";
import { NetworkBreadcrumb } from "~/components/network-sections";
import { requestScopeContext, servicesContext } from "~/context.server";
import { plural } from "~/domain/format";
import { requireNetwork } from "~/network-viewer.server";
import { contactRecipients, writeToNetwork } from "~/queries/networks.server";
import type { Route } from "./+types/network-write";

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { network } = await requireNetwork(context, request, params.id, { manage: true });
  const recipients = await context.get(requestScopeContext).transaction((trx) => contactRecipients(trx, network.id));
  return { network: { id: network.id, name: network.name }, recipients: recipients.length };
}

const messageSchema = z.object({
  subject: z.string().trim().min(1, "Indiquez l'objet du message.").max(150, "150 caractères au plus."),
  message: z.string().trim().min(1, "Écrivez le message.").max(10_000, "10 000 caractères au plus."),
});

export async function action({ request, params, context }: Route.ActionArgs) {
  const { viewer, network } = await requireNetwork(context, request, params.id, { manage: true });
  const form = await request.formData();
  const values = { subject: String(form.get("subject") ?? ""), message: String(form.get("message") ?? "") };
  const parsed = messageSchema.safeParse(values);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
    return data({ values, errors }, { status: 400 });
  }
  const reached = await context.get(requestScopeContext).transaction((trx) =>
    writeToNetwork(trx, context.get(servicesContext).publicUrl, {
      network,
      subject: parsed.data.subject,
      message: parsed.data.message,
      authorName: viewer.displayName,
    }),
  );
  return { done: `Message envoyé à ${plural(reached, "contact")} (selon les préférences de chacun).` };
}

export default function NetworkWrite({ loaderData, actionData }: Route.ComponentProps) {
  const { network, recipients } = loaderData;
  const failed = actionData && "errors" in actionData ? actionData : null;
  const done = actionData && "done" in actionData ? actionData.done : null;
  return (
    <div className="page page--narrow">
      <title>{`Écrire au réseau — ${network.name}`}</title>
      <NetworkBreadcrumb network={network} page="Écrire au réseau" />
      <h1>Écrire au réseau</h1>
      <p className="muted">
        Le message part aux {plural(recipients, "contact")} des organisations membres, par courriel ou dans leur résumé
        quotidien selon leurs préférences.
      </p>
      {done ? (
        <p className="form-success" role="status">
          {done}
        </p>
      ) : null}
      <Form method="post" className="stacked-form" noValidate key={done ?? "form"}>
        <TextField
          name="subject"
          label="Objet"
          maxLength={150}
          value={failed?.values.subject ?? ""}
          error={failed?.errors.subject}
        />
        <TextField
          name="message"
          label="Message"
          rows={10}
          value={failed?.values.message ?? ""}
          error={failed?.errors.message}
        />
        <button type="submit" disabled={recipients === 0}>
          Envoyer
        </button>
      </Form>
    </div>
  );
}
