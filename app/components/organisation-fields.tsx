import { Field } from "~/components/field";
import { ORGANISATION_KIND_LABELS } from "~/domain/labels";
import type { FieldErrors } from "~/domain/organisation-form";

export type OrganisationFieldValues = Partial<Record<keyof FieldErrors, string | null>>;

interface Props {
  values: OrganisationFieldValues;
  errors: FieldErrors;
  /** Name, type and codes come from the territory reference data: shown, not edited. */
  identityLocked?: boolean;
}

/** The fields of an organisation, with the user's input kept and each error beside its field. */
export function OrganisationFields({ values, errors, identityLocked = false }: Props) {
  const text =
    (name: keyof FieldErrors, options: { type?: string; autoComplete?: string; required?: boolean } = {}) =>
    (describedBy: string | undefined) => (
      <input
        id={name}
        name={name}
        type={options.type ?? "text"}
        defaultValue={values[name] ?? ""}
        autoComplete={options.autoComplete ?? "off"}
        required={options.required}
        readOnly={identityLocked && ["name", "siren", "inseeCode"].includes(name)}
        aria-invalid={errors[name] ? true : undefined}
        aria-describedby={describedBy}
      />
    );
  return (
    <>
      {identityLocked ? (
        <p className="muted">
          Le nom, le type et les codes de cette organisation viennent du référentiel territorial : l'import les tient à
          jour.
        </p>
      ) : null}
      <Field name="name" label="Nom" error={errors.name}>
        {text("name", { required: true })}
      </Field>
      <Field name="kind" label="Type" error={errors.kind}>
        {(describedBy) => (
          <select
            id="kind"
            name="kind"
            defaultValue={values.kind ?? "ccas"}
            disabled={identityLocked}
            aria-invalid={errors.kind ? true : undefined}
            aria-describedby={describedBy}
          >
            {Object.entries(ORGANISATION_KIND_LABELS).map(([kind, label]) => (
              <option key={kind} value={kind}>
                {label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field name="siren" label="SIREN" hint="9 chiffres, espaces acceptés." error={errors.siren}>
        {text("siren", { required: true })}
      </Field>
      <Field name="inseeCode" label="Code INSEE (communes)" error={errors.inseeCode}>
        {text("inseeCode")}
      </Field>
      <Field name="contactEmail" label="Courriel de contact" error={errors.contactEmail}>
        {text("contactEmail", { type: "email" })}
      </Field>
      <Field name="contactPhone" label="Téléphone de contact" error={errors.contactPhone}>
        {text("contactPhone", { type: "tel" })}
      </Field>
      <Field
        name="inactiveSince"
        label="Inactive depuis le"
        hint="Une organisation n'est jamais supprimée : à partir de cette date, elle apparaît comme inactive."
        error={errors.inactiveSince}
      >
        {text("inactiveSince", { type: "date" })}
      </Field>
    </>
  );
}
