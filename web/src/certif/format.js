// A session's day as people read it; the API gives it as YYYY-MM-DD (the centre's day), read at noon so
// no time zone moves it to the day before.
import { formatDate } from "../common/i18n.js";

export function sessionDay(locale, day) {
  return day ? formatDate(locale, `${day}T12:00:00`, { dateStyle: "medium" }) : "";
}

export function birthDay(locale, day) {
  return day ? formatDate(locale, `${day}T12:00:00`, { dateStyle: "short" }) : "";
}
