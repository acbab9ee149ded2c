import { Field } from "~/components/field";
import {
  agendaRowCount,
  type MeetingFieldErrors,
  type MeetingFormValues,
  ORDINAL_LABELS,
  WEEKDAY_LABELS,
} from "~/domain/meeting-form";

/**
 * The meeting form's fields: facts, date and times (Paris), place and visio, capacity, reminders, the agenda's rows
 * (added and removed by submit buttons, so it works without JavaScript) and, when creating, a series.
 */
export function MeetingFields({
  values,
  errors,
  series,
}: {
  values: MeetingFormValues;
  errors: MeetingFieldErrors;
  series: boolean;
}) {
  const text = (name: string, label: string, hint?: string, type = "text") => (
    <Field name={name} label={label} hint={hint} error={errors[name]}>
      {(describedBy) => (
        <input
          id={name}
          name={name}
          type={type}
          defaultValue={values[name] ?? ""}
          aria-describedby={describedBy}
          aria-invalid={errors[name] ? true : undefined}
        />
      )}
    </Field>
  );
  const rows = agendaRowCount(values);
  return (
    <>
      {text("title", "Titre")}
      <Field name="description" label="Description (facultative)" error={errors.description}>
        {(describedBy) => (
          <textarea
            id="description"
            name="description"
            rows={3}
            defaultValue={values.description ?? ""}
            aria-describedby={describedBy}
          />
        )}
      </Field>
      {text("date", "Date", "Heure de Paris.", "date")}
      <div className="option-row">
        {text("startTime", "Début", undefined, "time")}
        {text("endTime", "Fin", undefined, "time")}
      </div>
      {text("place", "Lieu", "Une adresse, une salle ; ou rien si la réunion est seulement en visio.")}
      {text("visioUrl", "Lien de visio (facultatif)", "L'adresse complète : https://…", "url")}
      {text("capacity", "Nombre de places (facultatif)", "Au-delà, les réponses « Je viens » attendent une place.")}
      {text("reminders", "Rappels par courriel", "Jours avant la réunion, par exemple « 7, 1 » ; vide : aucun rappel.")}

      <fieldset>
        <legend>Ordre du jour</legend>
        <input type="hidden" name="agendaRows" value={rows} />
        {errors.agenda ? <p className="field-error">{errors.agenda}</p> : null}
        {Array.from({ length: rows }, (_, row) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the rows are positions of the agenda
          <div className="option-row" key={row}>
            <Field name={`agenda-${row}-title`} label={`Point ${row + 1}`} error={errors[`agenda-${row}-title`]}>
              {(describedBy) => (
                <input
                  id={`agenda-${row}-title`}
                  name={`agenda-${row}-title`}
                  defaultValue={values[`agenda-${row}-title`] ?? ""}
                  aria-describedby={describedBy}
                />
              )}
            </Field>
            <Field name={`agenda-${row}-duration`} label="Durée (min)" error={errors[`agenda-${row}-duration`]}>
              {(describedBy) => (
                <input
                  id={`agenda-${row}-duration`}
                  name={`agenda-${row}-duration`}
                  inputMode="numeric"
                  size={4}
                  defaultValue={values[`agenda-${row}-duration`] ?? ""}
                  aria-describedby={describedBy}
                />
              )}
            </Field>
            <Field name={`agenda-${row}-presenter`} label="Intervenant" error={errors[`agenda-${row}-presenter`]}>
              {(describedBy) => (
                <input
                  id={`agenda-${row}-presenter`}
                  name={`agenda-${row}-presenter`}
                  defaultValue={values[`agenda-${row}-presenter`] ?? ""}
                  aria-describedby={describedBy}
                />
              )}
            </Field>
            <button
              type="submit"
              name="intent"
              value={`remove-row-${row}`}
              className="text-button"
              formNoValidate
              aria-label={`Retirer le point ${row + 1}`}
            >
              Retirer
            </button>
          </div>
        ))}
        <button type="submit" name="intent" value="add-row" className="button--secondary" formNoValidate>
          Ajouter un point
        </button>
      </fieldset>

      {series ? (
        <fieldset>
          <legend>Répéter</legend>
          {errors.repeat ? <p className="field-error">{errors.repeat}</p> : null}
          <label className="choice">
            <input type="radio" name="repeat" value="none" defaultChecked={(values.repeat ?? "none") === "none"} />
            Une seule réunion
          </label>
          <label className="choice">
            <input type="radio" name="repeat" value="monthly" defaultChecked={values.repeat === "monthly"} />
            Chaque mois, à partir du mois de la date choisie :
          </label>
          <div className="option-row">
            <Field name="ordinal" label="Le" error={errors.ordinal}>
              {(describedBy) => (
                <select id="ordinal" name="ordinal" defaultValue={values.ordinal ?? "3"} aria-describedby={describedBy}>
                  {Object.entries(ORDINAL_LABELS).map(([value, label]) => (
                    <option key={value} value={value}>
                      {label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field name="weekday" label="Jour" error={errors.weekday}>
              {(describedBy) => (
                <select id="weekday" name="weekday" defaultValue={values.weekday ?? "4"} aria-describedby={describedBy}>
                  {WEEKDAY_LABELS.map((label, index) => (
                    <option key={label} value={String(index + 1)}>
                      {label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {text("months", "Pendant (mois)")}
          </div>
          <label className="choice">
            <input type="radio" name="repeat" value="dates" defaultChecked={values.repeat === "dates"} />
            Aux dates suivantes, en plus de la date choisie :
          </label>
          <Field
            name="dates"
            label="Autres dates"
            hint="Une par ligne (jj/mm/aaaa), mêmes horaires."
            error={errors.dates}
          >
            {(describedBy) => (
              <textarea
                id="dates"
                name="dates"
                rows={3}
                defaultValue={values.dates ?? ""}
                aria-describedby={describedBy}
              />
            )}
          </Field>
        </fieldset>
      ) : null}
    </>
  );
}
