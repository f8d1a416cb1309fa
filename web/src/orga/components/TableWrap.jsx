// The box a wide table scrolls in on a narrow screen. It takes the focus, so the table can be
// scrolled with the keyboard, and is named after the table for whoever lands on it.
export function TableWrap({ label, children }) {
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={label}>
      {children}
    </div>
  );
}
