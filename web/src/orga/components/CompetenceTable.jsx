// A results table with a row per competence (optionally with its area) or per area, each named by
// its code and name, and the columns the caller gives: a column is { key, label, cell(row) },
// with number: true when it holds a number (aligned to the right).
import { useI18n } from "../../common/i18n.js";
import { TableWrap } from "./TableWrap.jsx";

export function CompetenceTable({ rows, byArea = false, showArea = !byArea, columns }) {
  const { t } = useI18n();
  const title = t(byArea ? "orga.results.by_area" : "orga.results.by_competence");
  const numeric = (column) => (column.number ? "number" : undefined);
  return (
    <TableWrap label={title}>
      <table>
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">{t(byArea ? "orga.results.area" : "orga.results.competence")}</th>
            {showArea ? <th scope="col">{t("orga.results.area")}</th> : null}
            {columns.map((column) => <th key={column.key} scope="col" class={numeric(column)}>{column.label}</th>)}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.code}>
              <th scope="row">{row.code} {row.name}</th>
              {showArea ? <td>{row.area_name}</td> : null}
              {columns.map((column) => <td key={column.key} class={numeric(column)}>{column.cell(row)}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
