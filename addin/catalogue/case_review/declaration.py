"""Contextual Case Review - Evidence collection document (seed 002 Appendix C, S002:L1996-2300; catalogue §5).

The template is authoritative where it and the training slides differ (catalogue §10 B7): ten characteristics
with Disability (L2115), "School (insert names)" / "Neighbourhood (insert localities)" (L2148-2149), "Risk
assessment of incident" (L2243) and two intervention tables (L2245-2255). One sheet per stage (the slides' three
stages, L1652-1658). The form is anonymised at input (L1880-1885): codes are its only identifiers, individuals'
(HA01, L1743-1748) and contexts' (H, PG, S, N and a number: PG1), and it has no name, UPN, date of birth or
address field. Where the template repeats a block per young person (characteristics, Stage 2, professional
engagement) it is one Excel table with the young person's code in each row. Free text may quote case files, so
it is personal (left out of every export and count).
"""
from addin.forms.codes import ETHNICITY
from addin.forms.model import Field as F, Form, Grid, Heading as H, Section, Table

# Where an individual code is asked for: site/case prefix and number (HA01), or the App G scheme (6B1).
CODE_HELP = ("The young person's code from 'Young people featured' (e.g. HA01), never a name.")
CONTEXT_CODE_HELP = ("The context's code: H (home), PG (peer group), S (school) or N (neighbourhood locality) and "
                     "a number, e.g. PG1. The same context keeps its code in every table.")

ROLES = (("complainant", "Complainant"), ("suspect", "Suspect"), ("witness", "Witness"), ("other", "Other"))
DEFINITIONS = (("cse", "Child sexual exploitation"), ("domestic_abuse", "Domestic Abuse"),
               ("syv", "Serious youth violence"), ("gang_violence", "Gang-associated violence"),
               ("hsb", "Harmful sexual behaviour"))
BEHAVIOURS = (("physical", "Physical"), ("sexual", "Sexual"), ("emotional", "Emotional"), ("financial", "Financial"),
              ("coercive_control", "Coercive control"))
TIMING = (("prior", "Prior (during escalation)"), ("during", "During incident"), ("following", "Following incident"))

# The environments (Stage 2) with their context-code prefixes (catalogue §5.2) and the overview table's rows.
ENVIRONMENTS = (("home", "Home", "H", "Home (add if more than one)"), ("peer", "Peer group", "PG", "Peer"),
                ("school", "School", "S", "School (insert names)"),
                ("neighbourhood", "Neighbourhood", "N", "Neighbourhood (insert localities)"))
ENVIRONMENT_VALUES = tuple(value for _, value, _, _ in ENVIRONMENTS)
PREFIX = {value: prefix for _, value, prefix, _ in ENVIRONMENTS}
# The rows of every context table (L2151-2185): key, label.
ASPECTS = (("abusive", "Abusive behaviours"), ("criminality", "Criminality"),
           ("gender_norms", "Harmful gender norms"), ("capacity", "Lack of capacity to safeguard"),
           ("protective", "Protective factors"))

AGENCIES = ("Children's social care", "Health (insert)", "Police", "Private sector (insert)", "School/s",
            "Voluntary sector (insert)", "Youth offending", "Youth service")
OUTCOMES = (("investigation", "Investigation"), ("charges", "Charges"), ("convictions", "Convictions"),
            ("relocation", "Relocations (home)"), ("managed_move", "Managed move (school)"),
            ("exclusion", "Exclusion (school)"), ("cp_plan", "Child protection plan"), ("looked_after", "Looked after"))
SAFEGUARDED = ("Yes", "No", "Partial")
CHANGES = (("multi_agency", "Multi-agency working"), ("strategies", "Local strategies"),
           ("risk_tools", "Risk assessment tools"), ("specialist", "Specialist services"),
           ("schools", "Partnerships with schools involved"), ("training", "Training"),
           ("problem_profile", "Local problem profile"))
# The contexts' rows of Stage 3's context tables: key, label (the code is a column of its own).
CONTEXT_ROWS = (("home", "Home (code)"), ("peer", "Peer group (code)"), ("school", "School (code)"),
                ("neighbourhood", "Neighbourhood (code)"))
OUTCOME_CONTEXT_ROWS = CONTEXT_ROWS[:3] + (("neighbourhood", "Neighbourhood locality (code)"),)

GENDERS = ("Male", "Female", "Other", "Not known")
CIN_CP = ("Child in need", "Child protection", "Neither", "Not known")
EDUCATION = ("In education", "Excluded", "Not in education", "Not known")

BEHAVIOUR_GRID = Grid("behaviour", "Abusive behaviours", type="tick",
                      rows=tuple((k, label, "") for k, label in BEHAVIOURS),
                      columns=tuple((k, label, "Cross (pick Yes) where the behaviour was present at this time.")
                                    for k, label in TIMING))
CONTEXT_INTERVENTIONS = Grid("context_intervention", "Intervention with contexts", personal=True,
                             rows=tuple((k, label, "") for k, label in CONTEXT_ROWS),
                             columns=(("code", "Code", CONTEXT_CODE_HELP), ("service", "Service", ""),
                                      ("assessment", "Assessment", ""),
                                      ("account", "Qualitative account", "")))
OUTCOME_GRID = Grid("outcome", "Outcomes: overview", personal=True,
                    rows=tuple((k, label, "") for k, label in OUTCOMES),
                    columns=(("code", "Code", "The codes of the young people it applies to, e.g. HA01, HA02; blank "
                                              "where it did not happen."),
                             ("account", "Qualitative account", "")))
OUTCOME_CONTEXTS = Grid("outcome_context", "Outcomes: contexts", personal=True,
                        rows=tuple((k, label, "") for k, label in OUTCOME_CONTEXT_ROWS),
                        columns=(("code", "Code", CONTEXT_CODE_HELP), ("safety", "Safety", ""),
                                 ("account", "Qualitative account", "")))
CHANGES_GRID = Grid("change", "Changes to the local response since", personal=True,
                    rows=tuple((k, label, "") for k, label in CHANGES),
                    columns=(("then", "Time of offence/response", ""), ("current", "Current", "")))

STAGE_2, STAGE_3 = "Stage 2 Contexts", "Stage 3 Response"


def _code(required: bool = True) -> F:
    return F("code", "Code", required=required, help=CODE_HELP)


def _account(cid: str = "account", label: str = "Qualitative account") -> F:
    """Free text (an account, a description): personal, as it may quote case files."""
    return F(cid, label, "longtext", personal=True)


FORM = Form(
    id="case-review",
    code="CCR",
    title="Contextual Case Review – Evidence collection document",
    version="2017.1",
    sheet="Stage 1 Behaviour",
    intro=("The evidence of one case review, anonymised at input: use the codes of the individuals (e.g. HA01) and "
           "of the contexts (H1, PG1, S1, N1), never a name, and put quotations in \" marks. Stage 1 (behaviour and "
           "individuals) is on this sheet, Stage 2 (the contexts of each young person) and Stage 3 (engagement with "
           "services and response) on the next two; complete them in any order."),
    sections=(
        Section("About this review", (
            F("review_reference", "Case code", required=True,
              help="The code of this case review, the prefix of its individuals' codes (e.g. HA for HA01, HA02), "
                   "never a name. A corrected workbook with the same case code replaces the one filed."),
            F("review_date", "Date the evidence was collected", "date", required=True,
              help="When this template was completed (dd/mm/yyyy); it decides the term the review counts in."),
            F("author", "Author (role)",
              help="The reviewer's role or team, not a name: e.g. Safeguarding partnership analyst."),
        )),
        Section("Case Overview", (
            F("incident_account", "Incident/s or Offence/s under investigation (qualitative account)", "longtext",
              personal=True),
            F("incident_year", "Year (of incident)", "integer", min=1990, max=2100),
            F("response_year", "Year (of response)", "integer", min=1990, max=2100),
            H("Young people featured: one row per young person, with their role(s)"),
            Table("young_people", "Young people featured", rows=10, columns=(
                F("code", "Code", required=True,
                  help="The young person's code: the case code and a number (HA01), never a name."),
                *(F(k, label, "tick") for k, label in ROLES),
                F("leader", "Leader", "tick", help="Tick as well as their role where the young person led others."),
            )),
            H("Agencies featured"),
            Table("agencies", "Agencies featured", rows=8, columns=(
                # The template heads both code columns "Code (if relevant)"; an Excel table's headings must differ.
                F("prior", "Prior to identification"), F("prior_code", "Code (if relevant), prior", help=CODE_HELP),
                F("post", "Post identification"), F("post_code", "Code (if relevant), post", help=CODE_HELP),
            )),
        )),
        Section("Incident/s under review/investigation", (
            H("Definition of incident/s (cross each that applies)"),
            *(F(f"definition_{k}", label, "tick") for k, label in DEFINITIONS),
            H("Abusive behaviours:"),
            BEHAVIOUR_GRID,
            _account("behaviour_description", "Insert qualitative description"),
            _account("weapons", "Weapons used"),
            _account("technology", "Technology featured"),
            _account("locations", "Location/s of incident/s"),
            _account("escalation", "Escalation (qualitative account)"),
        )),
        Section("Young people featured", (
            H("One row per young person (the template's block of characteristics for each code)."),
            Table("characteristics", "Young people featured: characteristics", rows=10, columns=(
                _code(),
                F("age", "Age", "integer", min=5, max=25, help="In whole years at the incident."),
                F("gender", "Gender", "choice", choices=GENDERS),
                F("ethnicity", "Ethnicity", "choice", choices=ETHNICITY, help="DfE school census ethnicity code."),
                F("disability", "Disability", "yesno"),
                F("sexuality", "Sexuality", help="As recorded in the case files; blank if not recorded."),
                F("lac", "LAC", "yesno", help="Looked after child."),
                F("offending", "Offending", "yesno", help="A record of offending."),
                F("ga", "GA", "yesno", help="Gang-associated."),
                F("cin_cp", "CIN/CP", "choice", choices=CIN_CP, help="Child in need or child protection."),
                F("education", "Education", "choice", choices=EDUCATION, help="In education, or excluded."),
                _account("examples", "Qualitative examples"),
            )),
            H("Missing episodes"),
            Table("missing", "Missing episodes", rows=10, columns=(
                _code(),
                F("missing", "Missing", "yesno"),
                F("episodes", "No of episodes", "integer", min=0, max=500),
                F("length", "Length of missing", help="e.g. 2 nights; up to 3 days."),
                F("reported", "Reported", "yesno", help="Whether the episodes were reported missing."),
            )),
            _account("missing_examples", "Missing episodes: qualitative examples"),
        )),
        Section("Environments associated to featured young people", (
            H("To be completed for each featured young person: one row per young person and context (a second home "
              "is a row of its own, H2). Codes only: the young person's (HA01) and the context's (H1, PG1, S1, N1).",
              note=True),
            H("Overview table"),
            Table("overview", "Overview table", rows=16, columns=(
                _code(),
                F("environment", "Environment", "choice", required=True, choices=ENVIRONMENT_VALUES),
                F("context_code", "Context code", required=True, help=CONTEXT_CODE_HELP),
                _account("safety", "Evidence of safety"),
                _account("risk", "Evidence of risk"),
            )),
            H("Context tables: cross (Yes) if identified, then give a qualitative account"),
            Table("contexts", "Context tables", rows=16, columns=(
                _code(),
                F("environment", "Environment", "choice", required=True, choices=ENVIRONMENT_VALUES),
                F("context_code", "Context code", required=True, help=CONTEXT_CODE_HELP),
                *(c for k, label in ASPECTS for c in (
                    F(f"{k}", f"{label}: identified", "tick"), _account(f"{k}_account", f"{label}: account"))),
            )),
        ), sheet=STAGE_2),
        Section("Case summary (condensed across the young people)", (
            F("homes", "Number of homes", "integer", min=0, max=100),
            _account("homes_summary", "Safety/harm in featured homes"),
            F("peer_groups", "Number of peer groups", "integer", min=0, max=100),
            _account("peer_groups_summary", "Safety/harm in featured peer groups"),
            F("schools", "Number of schools", "integer", min=0, max=100),
            _account("schools_summary", "Safety/harm in featured schools"),
            F("neighbourhoods", "Number of neighbourhood localities", "integer", min=0, max=100),
            _account("neighbourhoods_summary", "Safety/harm in featured neighbourhood settings"),
        ), sheet=STAGE_2),
        Section("Professional engagement prior to incident and identification", (
            H("One row per young person and agency that was involved (the template's table for each code); name "
              "the service where the row says (insert).", note=True),
            Table("engagement", "Professional engagement", rows=24, columns=(
                _code(),
                F("agency", "Agency", "choice", required=True, choices=AGENCIES),
                F("agency_detail", "(insert)", help="For Health, Private sector and Voluntary sector: which service."),
                F("prior_incident", "Prior to incident", "tick"),
                F("prior_identification", "Prior to identification", "tick"),
                _account(),
            )),
        ), sheet=STAGE_3),
        Section("Professional response following identification", (
            H("Identification"),
            F("identified_by", "Identified by", help="The agency or role, not a name."),
            _account("identification_account", "Identification: qualitative account"),
            _account("initial_response", "Initial response to identification"),
            F("multi_agency_meetings", "Multi-agency meetings", "longtext", personal=True,
              help="Meetings held, attendance and actions."),
            _account("risk_assessment", "Risk assessment of incident"),
            H("Intervention with young people"),
            Table("interventions", "Intervention with young people", rows=12, columns=(
                _code(), F("service", "Service"), F("assessment", "Assessment"), _account(),
            )),
            H("Intervention with contexts"),
            CONTEXT_INTERVENTIONS,
        ), sheet=STAGE_3),
        Section("Outcomes", (
            H("Overview"),
            OUTCOME_GRID,
            H("Individual young people"),
            Table("outcomes", "Outcomes: individual young people", rows=10, columns=(
                _code(),
                F("safeguarded", "Safeguarded", "choice", required=True, choices=SAFEGUARDED),
                _account(),
            )),
            H("Contexts"),
            OUTCOME_CONTEXTS,
        ), sheet=STAGE_3),
        Section("Changes to the local response since", (CHANGES_GRID,), sheet=STAGE_3),
        Section("Thematic findings and recommendations", (
            _account("findings", "Thematic findings follow analysis"),
            _account("recommendations", "Recommendations"),
        ), sheet=STAGE_3),
    ),
)
