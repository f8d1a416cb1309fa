// The landing text of a campaign is Markdown written by a teacher and shown to learners:
// rendered by marked (Orga's live preview) or by the campaigns service (the landing page's
// landing_html), then always cleaned here by DOMPurify, so no script or handler reaches a page.
import DOMPurify from "dompurify";
import { marked } from "marked";

marked.setOptions({ gfm: true, breaks: true });

DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  // Links open in a new tab and give the target no handle on this page.
  if (node.tagName === "A") {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  }
});

export function sanitizeHtml(html) {
  if (!html) return "";
  return DOMPurify.sanitize(html, {
    FORBID_TAGS: ["style", "form", "input", "button", "iframe", "img"],
    FORBID_ATTR: ["style"],
  });
}

export function renderMarkdown(text) {
  if (!text) return "";
  return sanitizeHtml(marked.parse(text, { async: false }));
}
