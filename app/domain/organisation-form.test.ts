import { describe, expect, it } from "vitest";
import { fieldErrors, organisationForm } from "./organisation-form.ts";

describe("the organisation form", () => {
  it("accepts a CCAS with a spaced SIREN and an empty optional field", () => {
    const parsed = organisationForm.parse({
      name: " CCAS de Lattes ",
      kind: "ccas",
      siren: "213 401 292",
      inseeCode: "",
      contactEmail: "CCAS@Lattes.fr",
      contactPhone: "04 67 99 77 77",
      inactiveSince: "",
    });
    expect(parsed).toEqual({
      name: "CCAS de Lattes",
      kind: "ccas",
      siren: "213401292",
      inseeCode: undefined,
      contactEmail: "ccas@lattes.fr",
      contactPhone: "04 67 99 77 77",
      inactiveSince: undefined,
    });
  });

  it("says in French what is wrong, field by field", () => {
    const result = organisationForm.safeParse({
      name: "",
      kind: "commune",
      siren: "213401293",
      inactiveSince: "31/12/2026",
    });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(fieldErrors(result.error)).toEqual({
      name: "Indiquez le nom de l'organisation.",
      siren: "Le SIREN compte 9 chiffres et sa clé de contrôle doit être juste.",
      inseeCode: "Une commune a un code INSEE.",
      inactiveSince: "Saisissez une date valide.",
    });
  });

  it("asks a commune for its INSEE code", () => {
    const result = organisationForm.safeParse({ name: "Sète", kind: "commune", siren: "213403017" });
    expect(result.success || fieldErrors(result.error)).toEqual({ inseeCode: "Une commune a un code INSEE." });
  });
});
