import { z } from "zod";
import { isValidInseeCode, isValidSiren } from "./siren.ts";

const optional = <T extends z.ZodType<string>>(schema: T) =>
  z.preprocess((value) => (typeof value === "string" && value.trim() === "" ? undefined : value), schema.optional());

/**
 * An organisation an operator admin adds or edits (a CCAS, a partner body):
 * French messages, shared by the form and the server.
 */
export const organisationForm = z
  .object({
    name: z.string().trim().min(1, "Indiquez le nom de l'organisation.").max(200, "200 caractères au plus."),
    kind: z.enum(["commune", "epci", "ccas", "other"], { error: "Choisissez le type d'organisation." }),
    siren: z
      .string()
      .transform((value) => value.replace(/\s/g, ""))
      .refine(isValidSiren, "Le SIREN compte 9 chiffres et sa clé de contrôle doit être juste."),
    inseeCode: optional(z.string().trim().toUpperCase().refine(isValidInseeCode, "Le code INSEE compte 5 caractères.")),
    contactEmail: optional(z.email("Saisissez une adresse électronique valide.").trim().toLowerCase()),
    contactPhone: optional(
      z
        .string()
        .trim()
        .regex(/^[0-9+ .()-]{6,25}$/, "Saisissez un numéro de téléphone valide."),
    ),
    inactiveSince: optional(z.iso.date("Saisissez une date valide.")),
  })
  .refine((form) => form.kind !== "commune" || form.inseeCode !== undefined, {
    path: ["inseeCode"],
    message: "Une commune a un code INSEE.",
  });

export type OrganisationFormValues = z.infer<typeof organisationForm>;

export type FieldErrors = Partial<Record<keyof OrganisationFormValues, string>>;

export function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path[0] as keyof OrganisationFormValues | undefined;
    if (field && !errors[field]) errors[field] = issue.message;
  }
  return errors;
}
