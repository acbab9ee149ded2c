import { Field } from "~/components/field";
import type { FieldErrors } from "~/domain/subscription-rules";
import type { OfferOption } from "../../db/schema.ts";

export interface UnitField {
  key: string;
  label: string;
  /** "l'offre de base", "l'option « SIG »" */
  neededFor: string[];
}

/** Options à la carte and declared units, the user's input kept and each error beside its field. */
export function ChoiceFields({
  options,
  units,
  values,
  errors,
}: {
  options: OfferOption[];
  units: UnitField[];
  values: { optionKeys: string[]; units: Record<string, string> };
  errors: FieldErrors;
}) {
  return (
    <>
      {options.length > 0 ? (
        <fieldset className="field" aria-describedby={errors.options ? "options-erreur" : undefined}>
          <legend>Options à la carte</legend>
          {options.map((option) => (
            <div key={option.key} className="checkbox-field">
              <input
                type="checkbox"
                id={`option-${option.key}`}
                name="option"
                value={option.key}
                defaultChecked={values.optionKeys.includes(option.key)}
              />
              <label htmlFor={`option-${option.key}`}>
                {option.label}
                {option.description ? <span className="muted"> — {option.description}</span> : null}
              </label>
            </div>
          ))}
          {errors.options ? (
            <p id="options-erreur" className="field-error">
              {errors.options}
            </p>
          ) : null}
        </fieldset>
      ) : null}
      {units.map((unit) => (
        <Field
          key={unit.key}
          name={`unit.${unit.key}`}
          label={unit.label}
          hint={`Quantité déclarée, nécessaire pour ${unit.neededFor.join(" ou ")} (ex. 1 439,50).`}
          error={errors[`unit.${unit.key}`]}
        >
          {(describedBy) => (
            <input
              id={`unit.${unit.key}`}
              name={`unit.${unit.key}`}
              inputMode="decimal"
              defaultValue={values.units[unit.key] ?? ""}
              aria-invalid={errors[`unit.${unit.key}`] ? true : undefined}
              aria-describedby={describedBy}
            />
          )}
        </Field>
      ))}
    </>
  );
}

/** What a form of options and units sent, as text. */
export function readChoices(form: FormData): { optionKeys: string[]; units: Record<string, string> } {
  const units: Record<string, string> = {};
  for (const [name, value] of form.entries()) {
    if (name.startsWith("unit.") && typeof value === "string") units[name.slice(5)] = value.slice(0, 50);
  }
  return {
    optionKeys: form
      .getAll("option")
      .filter((value): value is string => typeof value === "string")
      .slice(0, 50),
    units,
  };
}
