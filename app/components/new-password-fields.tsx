/** A new password typed twice (12 characters at least; the server checks the rest). */
export function NewPasswordFields({
  label = "Nouveau mot de passe",
  required = true,
}: {
  label?: string;
  required?: boolean;
}) {
  return (
    <>
      <label htmlFor="password">{label}</label>
      <input
        id="password"
        name="password"
        type="password"
        autoComplete="new-password"
        minLength={12}
        required={required}
      />
      <label htmlFor="confirmation">Confirmation</label>
      <input
        id="confirmation"
        name="confirmation"
        type="password"
        autoComplete="new-password"
        minLength={12}
        required={required}
      />
    </>
  );
}
