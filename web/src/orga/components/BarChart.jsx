// A horizontal bar chart drawn with CSS: each bar has its label and its number written next to
// it, so the chart says the same as the table beside it, to the eye and to a screen reader.
export function BarChart({ title, items, max = 1, format }) {
  return (
    <figure class="bar-chart">
      <figcaption>{title}</figcaption>
      <ul>
        {items.map((item) => {
          const ratio = item.value === null || item.value === undefined ? 0 : Math.max(0, Math.min(1, item.value / max));
          return (
            <li key={item.key} class="bar-chart__row">
              <span class="bar-chart__label">{item.label}</span>
              <span class="bar-chart__track" aria-hidden="true">
                <span class="bar-chart__bar" style={{ width: `${Math.round(ratio * 100)}%` }} />
              </span>
              <span class="bar-chart__value">{format(item.value)}</span>
            </li>
          );
        })}
      </ul>
    </figure>
  );
}
