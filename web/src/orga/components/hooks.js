import { useEffect, useState } from "preact/hooks";

// The value once it has stopped changing for `ms`: a search box asks the API once per pause.
export function useDebounced(value, ms = 300) {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

// A list's filters kept in the address (replaceState), so "back" from a campaign finds them.
export function useQueryState(defaults) {
  const [state, setState] = useState(() => {
    const query = new URLSearchParams(location.search);
    const initial = { ...defaults };
    for (const name of Object.keys(defaults)) {
      if (!query.has(name)) continue;
      const raw = query.get(name);
      initial[name] = typeof defaults[name] === "number" ? Number(raw) || defaults[name] : raw;
    }
    return initial;
  });
  function update(changes) {
    setState((previous) => {
      const next = { ...previous, ...changes };
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries(next)) {
        if (value !== defaults[name] && value !== "" && value !== null) query.set(name, String(value));
      }
      const text = query.toString();
      history.replaceState(history.state, "", `${location.pathname}${text ? `?${text}` : ""}`);
      return next;
    });
  }
  return [state, update];
}
