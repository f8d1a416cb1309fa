// HTML the API already rendered from a teacher's Markdown (the landing text): cleaned again here
// with the same rules as the Markdown component, so the page never trusts a server's HTML blindly.
import { sanitizeHtml } from "../../common/markdown.js";

export function SafeHtml({ html, class: className = "markdown" }) {
  return <div class={className} dangerouslySetInnerHTML={{ __html: sanitizeHtml(html) }} />;
}
