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
