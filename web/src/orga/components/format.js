import { formatNumber, formatPercent } from "../../common/i18n.js";

export function percent(locale, ratio) {
  return ratio === null || ratio === undefined ? "—" : formatPercent(locale, ratio);
}

export function decimal(locale, value, digits = 1) {
  return value === null || value === undefined ? "—" : formatNumber(locale, value, { maximumFractionDigits: digits });
}

// A change in mastery, signed, in points: "+12 pts" / "−5 pts" (a ratio difference, 0.12 = 12 points).
export function points(t, locale, delta) {
  if (delta === null || delta === undefined) return "—";
  const value = Math.round(delta * 100);
  const sign = value > 0 ? "+" : value < 0 ? "−" : "";
  return t("orga.points", { value: `${sign}${formatNumber(locale, Math.abs(value))}` });
}
