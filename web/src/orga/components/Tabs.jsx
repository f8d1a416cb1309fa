// Tabs as the ARIA pattern wants them: one tab in the Tab order, arrow keys (and Home/End)
// move between tabs and select them. A tab is a link when each tab has its own URL.
import { useRef } from "preact/hooks";

export function Tabs({ label, tabs, selected, onSelect, idPrefix }) {
  const list = useRef(null);
  function onKeyDown(event) {
    const index = tabs.findIndex((tab) => tab.id === selected);
    const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const next = tabs[(moves[event.key] + tabs.length) % tabs.length];
    onSelect(next);
    // The selected tab is re-rendered; focus follows once it is there.
    requestAnimationFrame(() => list.current?.querySelector(`#${idPrefix}-tab-${next.id}`)?.focus());
  }
  return (
    <div class="tabs" role="tablist" aria-label={label} ref={list} onKeyDown={onKeyDown}>
      {tabs.map((tab) => {
        const props = {
          role: "tab",
          id: `${idPrefix}-tab-${tab.id}`,
          "aria-selected": tab.id === selected ? "true" : "false",
          "aria-controls": `${idPrefix}-panel`,
          tabIndex: tab.id === selected ? 0 : -1,
        };
        return tab.href ? (
          <a key={tab.id} href={tab.href} {...props}>
            {tab.label}
          </a>
        ) : (
          <button key={tab.id} type="button" {...props} onClick={() => onSelect(tab)}>
            {tab.label}
          </button>
        );
      })}
    </div>
  );
}

export function TabPanel({ idPrefix, selected, children }) {
  return (
    <div role="tabpanel" id={`${idPrefix}-panel`} aria-labelledby={`${idPrefix}-tab-${selected}`}>
      {children}
    </div>
  );
}
