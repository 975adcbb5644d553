"""The audit's action plan in the store: one row per action of each action plan filed back from a progress report
(the plan for the focus areas a round showed). A plan filed again for the same round is a new filing; the latest
filing of a round is its plan, earlier ones are kept."""
from __future__ import annotations

ACTION_COLUMNS = ("statement", "action", "owner", "due_date", "status")
STATUSES = ("Not started", "In progress", "Done", "Dropped")


def action_tables(md) -> dict:
    from sqlalchemy import Column, Date, DateTime, Integer, String, Table, Text

    t = Table(
        "hsb_audit_actions", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("batch_id", String(32), nullable=False),        # one filing of a plan
        Column("round", String(8), nullable=False),            # the round whose results the plan follows
        Column("statement", String(8), nullable=False),
        Column("action", Text, nullable=False),
        Column("owner", Text, nullable=True),                  # a role or agency, not a name
        Column("due_date", Date, nullable=True),
        Column("status", String(16), nullable=False),
        Column("filed_at", DateTime(timezone=True), nullable=False),
        Column("filed_by", String(255), nullable=False),
        Column("source_file", Text, nullable=False),           # file name only
    )
    return {"hsb_audit_actions": t}

PLAN_SHEET, PLAN_TABLE, PLAN_ROUND = "Action plan", "action_plan", "action_plan_round"
PLAN_HEADERS = ("Statement", "Statement text", "Score", "Action", "Owner (role or agency)", "Due date", "Status",
                "Planned after round")
MAX_REPORT = 20 * 2**20  # bytes: a progress report is well under 1 MiB


class PlanError(Exception):
    """An action plan that cannot be filed; str() says file, sheet, cell and what to do."""


def read_plan(path) -> tuple[str, list[dict]]:
    """(the round the plan follows, its actions) from a progress report's Action plan sheet. Raises PlanError."""
    import datetime as dt
    import zipfile
    from pathlib import Path

    from openpyxl import load_workbook

    from addin.catalogue.hsb_audit.declaration import ROUNDS, scored
    from addin.intake.values import parse_date, show

    path = Path(path)
    try:
        if path.stat().st_size > MAX_REPORT:
            raise PlanError(f"{path}: it is far larger than a progress report; give the report made by 'safecontext "
                            "audit report'.")
        wb = load_workbook(path, data_only=True)
    except PlanError:
        raise
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as e:
        raise PlanError(f"{path}: cannot be read as a workbook ({getattr(e, 'strerror', None) or e}); give the "
                        "progress report made by 'safecontext audit report'.") from None
    if PLAN_SHEET not in wb.sheetnames or PLAN_TABLE not in wb[PLAN_SHEET].tables:
        raise PlanError(f"{path}: there is no '{PLAN_SHEET}' sheet with its table '{PLAN_TABLE}'; fill in the action "
                        "plan of a report made by 'safecontext audit report'.")
    ws = wb[PLAN_SHEET]
    round_ = " ".join(str(ws["C3"].value or "").split()).upper()
    if round_ not in ROUNDS:
        raise PlanError(f"{path}, sheet '{PLAN_SHEET}', cell C3: '{show(ws['C3'].value or '')}' is not a round; put "
                        "back the round the report was made for (T1, T2, T3, ...).")
    ref = ws.tables[PLAN_TABLE].ref
    cells = list(ws[ref])
    heads = [c.value for c in cells[0]]
    missing = [h for h in PLAN_HEADERS[:7] if h not in heads]
    if missing:
        raise PlanError(f"{path}, sheet '{PLAN_SHEET}': the column '{missing[0]}' is missing from the table "
                        f"'{PLAN_TABLE}'; put its heading back.")
    at = {h: heads.index(h) for h in PLAN_HEADERS[:7]}
    known, problems, rows = set(scored()), [], []
    for row in cells[1:]:
        get = {h: row[i] for h, i in at.items()}
        action = " ".join(str(get["Action"].value or "").split())
        if not action:
            continue  # a focus area with no action planned yet
        where = f"{path}, sheet '{PLAN_SHEET}', cell"
        number = " ".join(str(get["Statement"].value or "").split())
        if number not in known:
            problems.append(f"{where} {get['Statement'].coordinate}: '{number}' is not a scored statement (1.1 to 5.8); "
                            "give the statement the action is for.")
        status = " ".join(str(get["Status"].value or "Not started").split())
        if status not in STATUSES:
            problems.append(f"{where} {get['Status'].coordinate}: '{show(status)}' is not a status; pick one of "
                            f"{', '.join(STATUSES)}.")
        due, why = parse_date(get["Due date"].value)
        if why:
            problems.append(f"{where} {get['Due date'].coordinate}: {why[1]}.")
        if isinstance(due, dt.datetime):
            due = due.date()
        owner = " ".join(str(get["Owner (role or agency)"].value or "").split()) or None
        rows.append({"statement": number, "action": action, "owner": owner, "due_date": due, "status": status})
    if problems:
        raise PlanError("\n".join(problems))
    return round_, rows


def file_plan(target, path, *, user: str | None = None) -> tuple[str, int, str]:
    """File a filled action plan: (its round, how many actions, the store). Raises PlanError or StoreError."""
    import datetime as dt
    import uuid
    from pathlib import Path

    from sqlalchemy.exc import SQLAlchemyError

    from addin.store.db import StoreError, display_url, open_store, reason, retrying, write_transaction
    from addin.store.filing import _user
    from addin.store.schema import store_tables

    round_, rows = read_plan(path)
    if not rows:
        raise PlanError(f"{path}: the action plan has no action filled in; write an action beside a focus area "
                        "first.")
    table = store_tables("hsb-audit").own["hsb_audit_actions"]
    engine = open_store(target)
    try:
        batch, now, who = uuid.uuid4().hex, dt.datetime.now(dt.timezone.utc), user or _user()

        def attempt(_n):
            with write_transaction(engine) as conn:
                conn.execute(table.insert(), [{**r, "batch_id": batch, "round": round_, "filed_at": now,
                                               "filed_by": who, "source_file": Path(path).name} for r in rows])
        try:
            retrying(engine, attempt)
        except SQLAlchemyError as e:
            raise StoreError(f"could not file the action plan into {display_url(engine)}: {reason(e)}. Nothing was "
                             "filed.") from None
        return round_, len(rows), display_url(engine)
    finally:
        engine.dispose()


def last_plan(target) -> list[dict]:
    """The actions of the action plan filed last (each with the round it follows); [] when none was filed."""
    from sqlalchemy import select

    from addin.store.db import open_store
    from addin.store.schema import store_tables

    table = store_tables("hsb-audit").own["hsb_audit_actions"]
    engine = open_store(target, create=False)
    try:
        with engine.connect() as conn:
            last = conn.execute(select(table.c.batch_id).order_by(table.c.filed_at.desc(), table.c.id.desc())
                                .limit(1)).scalar()
            if last is None:
                return []
            rows = conn.execute(select(table).where(table.c.batch_id == last).order_by(table.c.id)).all()
    finally:
        engine.dispose()
    return [{k: getattr(r, k) for k in ("statement", "action", "owner", "due_date", "status", "round")} for r in rows]
