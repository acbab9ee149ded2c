/**
 * A labelled form field with its hint and its error below the control, both tied to it by aria-describedby
 * (ids `${name}-aide` and `${name}-erreur`); `children` renders the control, given that aria-describedby.
 */
export function Field({
  name,
  label,
  hint,
  error,
  children,
}: {
  name: string;
  label: string;
  hint?: string;
  error?: string | undefined;
  children: (describedBy: string | undefined) => React.ReactNode;
}) {
  const describedBy = [hint ? `${name}-aide` : null, error ? `${name}-erreur` : null].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      {hint ? (
        <p id={`${name}-aide`} className="muted field-hint">
          {hint}
        </p>
      ) : null}
      {children(describedBy || undefined)}
      {error ? (
        <p id={`${name}-erreur`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A text field (or, with `rows`, a text area) named `name`, with what was typed and its error. */
export function TextField({
  name,
  label,
  value,
  error,
  maxLength,
  rows,
}: {
  name: string;
  label: string;
  value: string;
  error?: string | undefined;
  maxLength?: number;
  rows?: number;
}) {
  return (
    <Field name={name} label={label} error={error}>
      {(describedBy) => {
        const props = {
          id: name,
          name,
          maxLength,
          defaultValue: value,
          "aria-invalid": error ? true : undefined,
          "aria-describedby": describedBy,
        };
        return rows ? <textarea rows={rows} {...props} /> : <input {...props} />;
      }}
    </Field>
  );
}
