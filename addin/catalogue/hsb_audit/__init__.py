"""NSPCC HSB framework audit (seed 004): one agency's scores for one round; merged into the partnership's.

A filing is identified by its agency and round: a corrected workbook for the same agency and round supersedes
it, the next round is a record of its own. The merged audit is filed as the agency "Partnership (agreed)".
"""
from addin.catalogue.hsb_audit.actions import action_tables
from addin.catalogue.hsb_audit.declaration import FORM
from addin.forms.plugin import Briefing, FormPlugin, Identity


def add_summary(wb, layout, config) -> None:
    """The Summary sheet and radar (summary.py, imported only when a blank is made: it loads openpyxl's charts,
    which every other command, a form's check among them, starts faster without)."""
    from addin.catalogue.hsb_audit.summary import add_summary as add

    add(wb, layout, config)


PLUGIN = FormPlugin(
    form=FORM,
    rules="addin.validators.hsb_audit",
    identity=Identity(number="agency", with_number=("round",), term_date="round_date", completed="round_date"),
    name="NSPCC HSB audit",
    noun="audit",
    workbook=add_summary,
    tables=action_tables,
    commands="addin.catalogue.hsb_audit.commands",
    command_name="audit",
    briefing=Briefing("audit", "NSPCC HSB audit briefing: the rounds' progress and the action plan",
                      "addin.catalogue.hsb_audit.briefing"),
    excel="addin.catalogue.hsb_audit.excel",
    ribbon=(("Merge audits", "merge_audits", "Asks for the round, agrees the lowest of the agencies' filed audit scores, "
             "files it as the partnership's and opens it.", "MergeCells"),
            ("Audit progress", "audit_progress", "Writes the audit's progress report from the store (means by round, "
             "falls, focus areas, radar, action plan) and opens it.", "RecurrenceEdit")),
)
