import { useState } from "preact/hooks";

import { errorMessage } from "../../common/i18n.js";

// An API error as messages per form field, when it names its field(s) (a domain rule's
// details.field, or a VALIDATION_ERROR's details.fields); what names no field goes to `general`.
export function fieldErrors(t, error, known) {
  if (!error) return { general: null, fields: {} };
  const fields = {};
  if (error.details?.field && known.includes(error.details.field)) {
    fields[error.details.field] = errorMessage(t, error);
  }
  for (const [name, messages] of Object.entries(error.details?.fields || {})) {
    if (known.includes(name)) fields[name] = [].concat(messages).join(" ");
  }
  return { general: Object.keys(fields).length ? null : error, fields };
}

// A form's refusal, per field: a field's message goes away as soon as the person edits that field
// (edited(changes) takes the same object the form's setter does), the others stay until the next try.
export function useFormErrors(t, known) {
  const [error, setErrorState] = useState(null);
  const [edited, setEdited] = useState(() => new Set());
  const { general, fields } = fieldErrors(t, error, known);
  for (const name of edited) delete fields[name];
  return {
    general,
    fields,
    setError(next) {
      setEdited(new Set());
      setErrorState(next);
    },
    edited(changes) {
      setEdited((previous) => new Set([...previous, ...Object.keys(changes)]));
    },
  };
}
