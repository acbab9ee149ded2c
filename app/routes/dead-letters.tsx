import { data, Form } from "react-router";
import { z } from "zod";
import { requirePermission } from "~/auth/guards.server";
import { requestScopeContext } from "~/context.server";
import { listDeadLetters, resendDeadLetter } from "~/queries/outbox.server";
import type { Route } from "./+types/dead-letters";

const dateTime = new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeStyle: "short", timeZone: "Europe/Paris" });

export async function loader({ request, context }: Route.LoaderArgs) {
  const { context: who } = requirePermission(context, request, "mail.manage");
  const letters = await context
    .get(requestScopeContext)
    .transaction((trx) => listDeadLetters(trx, who.cooperativeId as string));
  return { letters: letters.map((letter) => ({ ...letter, createdAt: dateTime.format(letter.createdAt) })) };
}

export async function action({ request, context }: Route.ActionArgs) {
  const { context: who } = requirePermission(context, request, "mail.manage");
  const parsed = z.object({ id: z.uuid() }).safeParse({ id: (await request.formData()).get("id") });
  if (!parsed.success) throw data({ message: "Courriel introuvable." }, { status: 404 });
  const resent = await context
    .get(requestScopeContext)
    .transaction((trx) => resendDeadLetter(trx, who.cooperativeId as string, parsed.data.id, new Date()));
  if (!resent) throw data({ message: "Courriel introuvable." }, { status: 404 });
  return { done: "Le courriel repart : il sera envoyé dans un instant." };
}

export default function DeadLetters({ loaderData: { letters }, actionData }: Route.ComponentProps) {
  return (
    <div className="page">
      <title>Courriels non distribués — Coopérative de services</title>
      <h1>Courriels non distribués</h1>
      <p className="lead">
        Les courriels que le service d'envoi a refusés, ou qu'il n'a pas pu remettre en 24 heures. Vérifiez la cause
        indiquée, puis renvoyez-les.
      </p>
      {actionData?.done ? (
        <p className="form-success" role="status">
          {actionData.done}
        </p>
      ) : null}
      {letters.length === 0 ? (
        <div className="empty-state">
          <p>Aucun courriel en échec : tout est parti.</p>
        </div>
      ) : (
        <div className="table-scroll">
          <table className="data-table">
            <caption>{letters.length} courriel(s) non distribué(s)</caption>
            <thead>
              <tr>
                <th scope="col">Destinataire</th>
                <th scope="col">Objet</th>
                <th scope="col">Écrit le</th>
                <th scope="col">Tentatives</th>
                <th scope="col">Dernière erreur</th>
                <th scope="col">
                  <span className="visually-hidden">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {letters.map((letter) => (
                <tr key={letter.id}>
                  <th scope="row">{letter.to}</th>
                  <td>{letter.subject}</td>
                  <td>{letter.createdAt}</td>
                  <td className="numeric">{letter.attempts}</td>
                  <td>{letter.lastError}</td>
                  <td>
                    <Form method="post">
                      <input type="hidden" name="id" value={letter.id} />
                      <button type="submit">Renvoyer</button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
