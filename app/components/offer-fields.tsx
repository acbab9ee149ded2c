import { useState } from "react";
import {
  OFFER_KIND_LABELS,
  OFFER_KINDS,
  type OfferFieldErrors,
  type OfferFormValues,
  ORGANISATION_KINDS,
  TAKES_EFFECT_LABELS,
} from "~/domain/catalogue";
import { ORGANISATION_KIND_LABELS } from "~/domain/labels";

interface Props {
  values: OfferFormValues;
  errors: OfferFieldErrors;
  categories: { id: string; name: string }[];
}

function FieldError({ name, error }: { name: string; error: string | undefined }) {
  return error ? (
    <p id={`${name}-erreur`} className="field-error">
      {error}
    </p>
  ) : null;
}

const invalid = (error: string | undefined, name: string) =>
  error ? { "aria-invalid": true as const, "aria-describedby": `${name}-erreur` } : {};

/** Every field of an offer, the user's input kept and each error beside its field. */
export function OfferFields({ values, errors, categories }: Props) {
  // Rows of options: saved ones keep their key; "Ajouter une option" adds an empty row (and works without
  // JavaScript too: the form always carries one empty row at the end).
  const [extraRows, setExtraRows] = useState(0);
  const rows = [
    ...values.options,
    ...Array.from({ length: 1 + extraRows }, () => ({ key: "", label: "", description: "", existing: false })),
  ];
  return (
    <>
      <div className="field">
        <label htmlFor="title">Titre</label>
        <input
          id="title"
          name="title"
          defaultValue={values.title}
          required
          maxLength={200}
          {...invalid(errors.title, "title")}
        />
        <FieldError name="title" error={errors.title} />
      </div>
      <div className="field">
        <label htmlFor="summary">Résumé (une ou deux phrases, montrées dans la liste)</label>
        <input
          id="summary"
          name="summary"
          defaultValue={values.summary}
          maxLength={500}
          {...invalid(errors.summary, "summary")}
        />
        <FieldError name="summary" error={errors.summary} />
      </div>
      <div className="field">
        <label htmlFor="description">Description</label>
        <textarea
          id="description"
          name="description"
          defaultValue={values.description}
          rows={8}
          {...invalid(errors.description, "description")}
        />
        <FieldError name="description" error={errors.description} />
      </div>
      <div className="field">
        <label htmlFor="categoryId">Catégorie</label>
        <select
          id="categoryId"
          name="categoryId"
          defaultValue={values.categoryId}
          {...invalid(errors.categoryId, "categoryId")}
        >
          <option value="">Sans catégorie</option>
          {categories.map((category) => (
            <option key={category.id} value={category.id}>
              {category.name}
            </option>
          ))}
        </select>
        <FieldError name="categoryId" error={errors.categoryId} />
      </div>
      <div className="field">
        <label htmlFor="kind">Type d'offre</label>
        <select id="kind" name="kind" defaultValue={values.kind} {...invalid(errors.kind, "kind")}>
          <option value="">Choisir…</option>
          {OFFER_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {OFFER_KIND_LABELS[kind]}
            </option>
          ))}
        </select>
        <FieldError name="kind" error={errors.kind} />
      </div>
      <div className="field">
        <label htmlFor="contactName">Contact (nom ou service)</label>
        <input
          id="contactName"
          name="contactName"
          defaultValue={values.contactName}
          maxLength={200}
          {...invalid(errors.contactName, "contactName")}
        />
        <FieldError name="contactName" error={errors.contactName} />
      </div>
      <div className="field">
        <label htmlFor="contactEmail">Adresse électronique du contact</label>
        <input
          id="contactEmail"
          name="contactEmail"
          type="email"
          defaultValue={values.contactEmail}
          {...invalid(errors.contactEmail, "contactEmail")}
        />
        <FieldError name="contactEmail" error={errors.contactEmail} />
      </div>
      <fieldset className="field" {...invalid(errors.eligibleKinds, "eligibleKinds")}>
        <legend>Qui peut adhérer</legend>
        {ORGANISATION_KINDS.map((kind) => (
          <label key={kind} className="checkbox">
            <input
              type="checkbox"
              name="eligibleKinds"
              value={kind}
              defaultChecked={values.eligibleKinds.includes(kind)}
            />{" "}
            {ORGANISATION_KIND_LABELS[kind]}
          </label>
        ))}
        <FieldError name="eligibleKinds" error={errors.eligibleKinds} />
      </fieldset>
      <fieldset className="field">
        <legend>Conditions</legend>
        <label className="checkbox">
          <input type="checkbox" name="requiresCouncilDecision" defaultChecked={values.requiresCouncilDecision} /> Une
          délibération du conseil est demandée
        </label>
        <label className="checkbox">
          <input type="checkbox" name="requiresApproval" defaultChecked={values.requiresApproval} /> La métropole
          approuve chaque demande (sinon : acceptée automatiquement)
        </label>
      </fieldset>
      <div className="field">
        <label htmlFor="takesEffect">Prise d'effet de l'adhésion</label>
        <select
          id="takesEffect"
          name="takesEffect"
          defaultValue={values.takesEffect}
          {...invalid(errors.takesEffect, "takesEffect")}
        >
          {(["on_approval", "next_january"] as const).map((value) => (
            <option key={value} value={value}>
              {TAKES_EFFECT_LABELS[value]}
            </option>
          ))}
        </select>
        <FieldError name="takesEffect" error={errors.takesEffect} />
      </div>
      <div className="field">
        <label htmlFor="noticeMonths">Préavis de sortie (mois)</label>
        <input
          id="noticeMonths"
          name="noticeMonths"
          inputMode="numeric"
          defaultValue={values.noticeMonths}
          {...invalid(errors.noticeMonths, "noticeMonths")}
        />
        <FieldError name="noticeMonths" error={errors.noticeMonths} />
      </div>
      <fieldset className="field">
        <legend>Options à la carte</legend>
        <p className="muted field-hint">
          La clé relie l'option aux tarifs et aux adhésions : elle est tirée du nom si vous la laissez vide, et ne
          change plus une fois enregistrée.
        </p>
        <FieldError name="options" error={errors.options} />
        {rows.map((option, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity before they are saved.
          <div key={index} className="option-row">
            <label htmlFor={`optionKey-${index}`}>Clé</label>
            <input
              id={`optionKey-${index}`}
              name="optionKey"
              defaultValue={option.key}
              readOnly={option.existing}
              maxLength={40}
              {...invalid(errors[`options.${index}.key`], `optionKey-${index}`)}
            />
            <FieldError name={`optionKey-${index}`} error={errors[`options.${index}.key`]} />
            <label htmlFor={`optionLabel-${index}`}>Nom</label>
            <input
              id={`optionLabel-${index}`}
              name="optionLabel"
              defaultValue={option.label}
              maxLength={120}
              {...invalid(errors[`options.${index}.label`], `optionLabel-${index}`)}
            />
            <FieldError name={`optionLabel-${index}`} error={errors[`options.${index}.label`]} />
            <label htmlFor={`optionDescription-${index}`}>Description</label>
            <input
              id={`optionDescription-${index}`}
              name="optionDescription"
              defaultValue={option.description}
              maxLength={1000}
              {...invalid(errors[`options.${index}.description`], `optionDescription-${index}`)}
            />
            <FieldError name={`optionDescription-${index}`} error={errors[`options.${index}.description`]} />
          </div>
        ))}
        <button type="button" onClick={() => setExtraRows((count) => count + 1)}>
          Ajouter une option
        </button>
      </fieldset>
    </>
  );
}

/** The form's values for an existing offer. */
export function offerValues(offer: {
  title: string;
  summary: string;
  description: string;
  categoryId: string | null;
  kind: string;
  contactName: string | null;
  contactEmail: string | null;
  eligibleKinds: string[];
  requiresCouncilDecision: boolean;
  requiresApproval: boolean;
  takesEffect: string;
  noticeMonths: number;
  options: { key: string; label: string; description?: string }[];
}): OfferFormValues {
  return {
    title: offer.title,
    summary: offer.summary,
    description: offer.description,
    categoryId: offer.categoryId ?? "",
    kind: offer.kind,
    contactName: offer.contactName ?? "",
    contactEmail: offer.contactEmail ?? "",
    eligibleKinds: offer.eligibleKinds,
    requiresCouncilDecision: offer.requiresCouncilDecision,
    requiresApproval: offer.requiresApproval,
    takesEffect: offer.takesEffect,
    noticeMonths: String(offer.noticeMonths),
    options: offer.options.map((option) => ({
      key: option.key,
      label: option.label,
      description: option.description ?? "",
      existing: true,
    })),
  };
}

export const NEW_OFFER_VALUES: OfferFormValues = {
  title: "",
  summary: "",
  description: "",
  categoryId: "",
  kind: "",
  contactName: "",
  contactEmail: "",
  eligibleKinds: [...ORGANISATION_KINDS],
  requiresCouncilDecision: true,
  requiresApproval: true,
  takesEffect: "on_approval",
  noticeMonths: "3",
  options: [],
};
