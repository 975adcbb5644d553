"""An audit's scores as plain data: rows to fill a workbook with, scores read back, domain means."""
from __future__ import annotations

from addin.catalogue.hsb_audit.declaration import DOMAINS, SCORES, STEMS, scored, score_value, statements, table_id


def tables_for(scores: dict[str, int], evidence: dict[str, str] | None = None,
               assurance: dict[str, str] | None = None) -> dict[str, list[dict]]:
    """Rows for Filler.fill: statement number -> score 0-4 (and its evidence, assurance); stems left empty."""
    evidence, assurance = evidence or {}, assurance or {}
    out = {}
    for n, _, _ in DOMAINS:
        rows = []
        for number, _ in statements(n):
            row = {}
            if number not in STEMS:
                if scores.get(number) is not None:
                    row["score"] = SCORES[scores[number]]
                if evidence.get(number):
                    row["evidence"] = evidence[number]
                if assurance.get(number):
                    row["assurance"] = assurance[number]
            rows.append(row)
        out[table_id(n)] = rows
    return out


def rows_of(tables: dict) -> dict[str, dict]:
    """Statement number -> its typed row (score 0-4 or None, evidence, assurance), from a checked audit's
    tables or the store's rows (each row names its statement, so moved rows are still found)."""
    out = {}
    for n, _, _ in DOMAINS:
        for row in tables.get(table_id(n)) or []:
            number = " ".join(str(row.get("statement") or "").split())
            if number in scored(n):
                out[number] = {"score": score_value(row.get("score")), "evidence": row.get("evidence"),
                               "assurance": row.get("assurance")}
    return out


def domain_means(scores: dict[str, int | None]) -> dict[int, float | None]:
    """Domain -> the mean of its scored statements' scores (None when none is scored). Means, not sums:
    domains 3 and 5 have 8 statements, the others 10."""
    out = {}
    for n, _, _ in DOMAINS:
        values = [scores[k] for k in scored(n) if scores.get(k) is not None]
        out[n] = sum(values) / len(values) if values else None
    return out
