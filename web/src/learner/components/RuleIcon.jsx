// A drawing for each rule (decorative: the text says it all).
const DRAWINGS = {
  search: (
    <>
      <circle cx="26" cy="26" r="14" />
      <path d="M36 36 L50 50" />
    </>
  ),
  time: (
    <>
      <circle cx="32" cy="32" r="22" />
      <path d="M32 18 V32 L42 38" />
    </>
  ),
  tutorials: (
    <>
      <path d="M10 16 H28 Q32 16 32 20 V50 Q32 46 28 46 H10 Z" />
      <path d="M54 16 H36 Q32 16 32 20 V50 Q32 46 36 46 H54 Z" />
    </>
  ),
  adaptive: <path d="M10 52 H24 V40 H38 V28 H52 V14" />,
};

export function RuleIcon({ rule }) {
  return (
    <svg class="learner-rule__icon" viewBox="0 0 64 64" width="72" height="72" aria-hidden="true" focusable="false">
      {DRAWINGS[rule]}
    </svg>
  );
}
