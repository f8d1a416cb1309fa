// French first (the platform is French), English on request; the choice is kept in localStorage.
//
// Messages are flat JSON dictionaries: the common ones (locales/*.json, errors.*.json) merged
// with the face's own. t("key", {name}) fills {name}; with a numeric `count` it looks for
// "key.one" / "key.other" first (Intl.PluralRules). A missing key shows the key itself, and a
// test (tests/web/test_locales.py) keeps the French and English files in step.
import { createContext } from "preact";
import { useContext } from "preact/hooks";

import commonEn from "./locales/en.json";
import commonFr from "./locales/fr.json";
import errorsEn from "./locales/errors.en.json";
import errorsFr from "./locales/errors.fr.json";

export const LOCALES = ["fr", "en"];
const STORAGE_KEY = "skills.locale";

export function initialLocale() {
  const asked = new URLSearchParams(location.search).get("lang");
  if (LOCALES.includes(asked)) return asked;
  const kept = localStorage.getItem(STORAGE_KEY);
  if (LOCALES.includes(kept)) return kept;
  return "fr";
}

export function rememberLocale(locale) {
  localStorage.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
}

export function makeTranslator(locale, faceMessages) {
  const messages = locale === "en"
    ? { ...commonEn, ...errorsEn, ...faceMessages.en }
    : { ...commonFr, ...errorsFr, ...faceMessages.fr };
  const plurals = new Intl.PluralRules(locale);
  function t(key, params = {}) {
    let text = messages[key];
    if (typeof params.count === "number") {
      text = messages[`${key}.${plurals.select(params.count)}`] ?? messages[`${key}.other`] ?? text;
    }
    if (text === undefined) return key;
    return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
  }
  t.has = (key) => key in messages;
  t.locale = locale;
  return t;
}

export const I18n = createContext(null);

// { t, locale, setLocale } from the nearest <I18n.Provider>.
export function useI18n() {
  return useContext(I18n);
}

// A wait in seconds, as a person reads it: "45 s", "15 min".
export function formatWait(seconds) {
  return seconds < 60 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
}

// A sentence for an error from the API (ApiError) or the network, in the page's language.
// An unknown code falls back on its status, never on the API's own message, which is in English.
export function errorMessage(t, error) {
  const code = error?.code;
  if (code && t.has(`errors.${code}`)) {
    const details = { ...(error.details || {}) };
    if (typeof details.retry_after === "number") details.retry_after = formatWait(details.retry_after);
    return t(`errors.${code}`, details);
  }
  if (error?.status === 0 || code === "NETWORK_ERROR") return t("errors.NETWORK_ERROR");
  if (error?.status && t.has(`errors.HTTP_${error.status}`)) return t(`errors.HTTP_${error.status}`);
  if (error?.status >= 500) return t("errors.server");
  return t("errors.unknown");
}

export function formatDate(locale, value, options = { dateStyle: "medium" }) {
  if (!value) return "";
  return new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "fr-FR", options).format(new Date(value));
}

export function formatNumber(locale, value, options = {}) {
  if (value === null || value === undefined) return "";
  return new Intl.NumberFormat(locale === "en" ? "en-GB" : "fr-FR", options).format(value);
}

export function formatPercent(locale, ratio) {
  return formatNumber(locale, ratio, { style: "percent", maximumFractionDigits: 0 });
}
