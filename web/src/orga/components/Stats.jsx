// Figures shown side by side (face.css `.stats`): each [label, value] a term and its figure.
export function Stats({ items }) {
  return (
    <dl class="stats">
      {items.map(([label, value]) => (
        <div class="stats__item" key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
