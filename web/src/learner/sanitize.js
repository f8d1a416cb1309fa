import DOMPurify from "dompurify";

// The rules of common/markdown.js (no style, form or embedded content; its hook already makes links
// open in a new tab without a handle on this page), for HTML the API rendered.
import "../common/markdown.js";

export function sanitizeHtml(html) {
  if (!html) return "";
  return DOMPurify.sanitize(html, {
    FORBID_TAGS: ["style", "form", "input", "button", "iframe", "img"],
    FORBID_ATTR: ["style"],
  });
}
