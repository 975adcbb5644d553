"""Contextual HSB meeting framework: the HSB MAP meeting's record (seed 002 Appendix L, S002:L3430-3603;
seed 003 L1490-1666, L1945-2223; the 2017 study's version, seed 000 Appendix A, L399-413).

The contextual table is V2 of catalogue §3.1 (nine columns and the Contexts Summary row, "print on
A3 paper for meetings"); the agenda a-g (S003:L1490-1535) and the contextual-circles prompts
(S003:L1640-1666) are its help. Group or Sole offers Both, as the study classified (§3.4, A17). The
Hackett descriptors are S004:L284's wording (§3.5). Factors are Appendix 4's (factors.py), picked per
context and type; the traffic light is §3.6's (Amber is undefined in the seeds, B11: "in progress").
"""
from addin.catalogue.hsb_framework.factors import BY_CONTEXT_AND_TYPE, CONTEXTS, OTHER, TYPES
from addin.forms.codes import ETHNICITY
from addin.forms.model import Field as F, Form, Grid, Heading as H, Section, Table

GROUP = ("A group is two or more people, who act together, and/or in front of one another, and/or with a "
         "common and shared purpose, in the commissioning of some form of HSB.")  # S000:L68

HACKETT = (  # level, descriptors (S004:L284)
    ("Normal", "Developmentally expected; socially acceptable; consensual, mutual, reciprocal; shared decision "
               "making"),
    ("Inappropriate", "Single instances of inappropriate sexual behaviour; socially acceptable behaviour within "
                      "peer group; context for behaviour may be inappropriate; generally consensual and reciprocal"),
    ("Problematic", "Problematic and concerning behaviours; developmentally unusual and socially unexpected; no "
                    "overt elements of victimisation; consent issues may be unclear; may lack reciprocity or equal "
                    "power; may include levels of compulsivity"),
    ("Abusive", "Victimising intent or outcome; includes misuse of power; coercion and force to ensure victim "
                "compliance; intrusive; informed consent lacking, or not able to be freely given by victim; may "
                "include elements of expressive violence"),
    ("Violent", "Physically violent sexual abuse; highly intrusive; instrumental violence which is physiologically "
                "and/or sexually arousing to the perpetrator; sadism"),
)

# The routine attendees of an HSB MAP (S002:L3500-3511): key, label.
ATTENDEES = (
    ("social_care", "Children's Social Care"),
    ("police", "Police (CSE and/or HSB leads; gangs/serious youth violence where necessary)"),
    ("analysts", "CSE and gangs analysts"),
    ("education", "Education provider of the young person"),
    ("youth_service", "Youth service provider"),
    ("reviewing_service", "Safeguarding Reviewing Service"),
    ("vcs", "Key VCS providers"),
    ("youth_justice", "Youth Justice Service"),
    ("health", "Health: School Nurse and/or LAC Nurse"),
    ("community_safety", "Community safety and/or neighbourhoods team"),
)

# Characteristics of the incident(s) the study counted (S000 Table 2, L199-205; L169-211; Appendix B).
INCIDENT = (
    ("gang_associated", "Gang-associated"), ("image_sharing", "Image-sharing"),
    ("online", "Problematic online behaviour"), ("party", "Behaviour at 'parties'"), ("blackmail", "Blackmail"),
    ("weapon", "Weapon used"), ("against_peers", "Against peers (similar age)"),
    ("against_younger", "Against younger children (under 10)"), ("against_sibling", "Against a sibling"),
    ("against_partner", "Against a partner"), ("peer_audience", "Peers present as an audience"),
    ("peers_recruiting", "Peers used to recruit others"), ("peers_normalising", "Peers normalising the behaviour"),
    ("in_school", "In school"), ("public_space", "In a public space"),
    ("ongoing", "On-going (a series of incidents)"),
    ("previous_nfa", "Previous 'no further action' decisions for sexual offences"),
)

# Peer relationships (S000 Table 3, L259-264, and L251-300).
PEERS = (
    ("bullying_others", "Bullying others"), ("bullied", "Bullied by others"), ("criminality", "Peer criminality"),
    ("harmful_attitudes", "Peers with harmful attitudes to women and girls, consent and relationships"),
    ("repeat_hsb", "Peers who also display HSB"), ("violence", "Peer violence"),
    ("socially_isolated", "Socially isolated"),
)

# Challenges of response (S000 Appendix B, L454-458, and the challenges recorded, L358).
CHALLENGES = (
    "Non-engagement from individual", "Non-engagement from family", "Attitude and understanding of the young person",
    "Engagement of peers", "Previous negative experiences of services", "Confusion about the lead agency",
    "Disagreement between services about the objectives of interventions", OTHER,
)

RAG = ("Red - not yet actioned", "Amber - in progress", "Green - progressed")
RED = RAG[0]

# The contextual-circles prompts per context (S003:L1640-1666; the peer list is cut off in the seed).
PROMPTS = {
    "individual": "",
    "family": "Current or historic issues in the home informing the behaviour (e.g. exposure to DV)? Can the "
              "parents/carers control and safeguard the young person; if not, what undermines this?",
    "peer": "Was the behaviour displayed by a group? Is the young person socially isolated? Do their peers support "
            "or challenge the behaviour? Do they follow or lead peer behaviours?",
    "school": "Did the behaviour occur in school? What is the impact on the school culture/environment? How has "
              "the school responded?",
    "neighbourhood": "Did the behaviour occur in public spaces? Has the young person been exposed to street-based "
                     "crime and violence?",
}

# The contextual table's columns (S002:L3580-3581) with the agenda item each records (S003:L1490-1535).
COLUMNS = (
    ("situation", "Young person's current situation", "Agenda a) Summary of the young person's current situation "
                                                      "and their background."),
    ("hsb", "Young person's HSB", "Agenda b) Specific concerns about the young person's harmful sexual behaviour: "
                                  "what did they do, and in what context?"),
    ("vulnerability", "Vulnerability factors", "Agenda c) Pre-existing factors. List them by code in the Factors "
                                               "table (Appendix 4) too."),
    ("risk", "Risk factors", "Agenda c) Factors directly related to the HSB. List them by code in the Factors table "
                             "too."),
    ("resilience", "Resilience factors", "Agenda c) List them by code in the Factors table too."),
    ("strengths", "Strengths", "Agenda d) Are they contextual or individual?"),
    ("involvement", "Professional involvement to date", "Agenda e) Current professional involvement with the young "
                                                        "person and this context."),
    ("actions", "Planned actions / interventions", "Agenda g) Decisions about interventions in this context. Give "
                                                   "each a traffic light in the Interventions table."),
    ("challenges", "Challenges / barriers to intervention", "What stands in the way of intervening in this context."),
)

GRID = Grid("grid", "Contextual table", personal=True, columns=COLUMNS,
            rows=tuple((key, label, PROMPTS[key]) for key, _, label, _ in CONTEXTS))
CONTEXT_VALUES = tuple(value for _, value, _, _ in CONTEXTS)

FORM = Form(
    id="hsb-framework",
    code="HSB",
    title="Contextual HSB Meeting Framework",
    version="2017.1",
    sheet="HSB meeting",
    paper="A3",
    intro="The record of an HSB MAP meeting about one young person who has displayed harmful sexual behaviour. "
          "Fill the pale yellow cells here, the contextual table on the next sheet, then the factors, interventions "
          "and challenges below. Use the case code, never a name.",
    sections=(
        Section("Meeting", (
            F("reference", "Reference number", required=True,
              help="The case code the lead professional gives this young person (e.g. HSB-0042), never a name. "
                   "Use the same code at every meeting about them: a later meeting is a review of the same case."),
            F("site", "Site", "choice", required=True, choices="sites"),
            F("meeting_date", "Date of the meeting", "date", required=True,
              help="It decides the term the meeting counts in."),
            F("meeting_type", "Type of meeting", "choice", required=True, choices=("Initial", "Review")),
            F("person_id", "UPN or case-management id", personal=True, leaves="hash",
              help="Optional. Used only to link records; it never appears in any output, tracker or briefing."),
            F("age", "Age of the young person", "integer", min=5, max=18,
              help="In whole years at the meeting (the 2017 study: 10 to 17)."),
            F("gender", "Gender", "choice", choices=("Male", "Female", "Other", "Not known")),
            F("ethnicity", "Ethnicity", "choice", choices=ETHNICITY, help="DfE school census ethnicity code."),
            F("school", "School", "choice", choices="schools"),
            F("ward", "Ward where the young person lives", "choice", choices="wards"),
            F("offence_context", "Group or sole offence", "choice", required=True, choices=("Sole", "Group", "Both"),
              help=f"Sole: harmed others on their own. Group: in a group. Both: alone and in groups. {GROUP}"),
            F("hackett_level", "Hackett continuum: level of the behaviour", "choice",
              choices=tuple(level for level, _ in HACKETT),
              help="Which point on this continuum best accounts for the young person's behaviours? "
                   + " ".join(f"{level}: {text}." for level, text in HACKETT)),
            F("hackett_rationale", "Hackett continuum: the reason for this level", "longtext", personal=True,
              help="Agenda f). When making the decision, explicitly state the reason for drawing this conclusion."),
            H("Attendance (tick the agencies present)"),
            *(F(f"attendance_{key}", label, "tick") for key, label in ATTENDEES),
        )),
        Section("Incident characteristics (tick all that apply)", tuple(
            F(f"incident_{key}", label, "tick") for key, label in INCIDENT)),
        Section("Peer relationships (tick all that apply)", tuple(
            F(f"peer_{key}", label, "tick") for key, label in PEERS)),
        Section("Contextual table: points for discussion / recording at HSB MAP meeting", (
            H("In what ways are the behaviours, the risk, vulnerability and resilience factors and the interventions "
              "associated to these contexts? How do the contexts interplay? Which are most strongly associated?",
              note=True),
            GRID,
            F("contexts_summary", "Contexts summary", "longtext", personal=True,
              help="How the contexts interplay, and which are most strongly associated to the behaviour."),
        ), sheet="Contextual table", shows=("reference", "meeting_date", "offence_context")),
        Section("Factors (Appendix 4)", (
            H("One row per factor: pick the context and the type first; the factor list then offers that context's "
              "factors of that type (the code alone, e.g. PEER-V02, will do). 'Other': describe it.", note=True),
            Table("factors", "Factors", rows=16, columns=(
                F("context", "Context", "choice", required=True, choices=CONTEXT_VALUES),
                F("type", "Type", "choice", required=True, choices=tuple(kind for kind, _ in TYPES)),
                F("factor", "Factor", "choice", required=True, depends=("context", "type"), by=BY_CONTEXT_AND_TYPE),
                F("other", "Other factor (describe)"),
                F("note", "Note", "longtext", personal=True),
            )),
        )),
        Section("Interventions (traffic lights)", (
            H("One row per agreed intervention, with its traffic light: Red, not yet actioned; Amber, in progress; "
              "Green, progressed. 'Addresses': the codes of the factors it addresses, e.g. PEER-V02, PEER-R03.",
              note=True),
            Table("interventions", "Interventions", rows=12, columns=(
                F("context", "Context", "choice", required=True, choices=CONTEXT_VALUES),
                F("intervention", "Intervention", required=True),
                F("agency", "Lead agency"),
                F("rag", "Traffic light", "choice", choices=RAG),
                F("addresses", "Addresses (factor codes)"),
                F("date_set", "Date set", "date"),
                F("review_date", "Review date", "date"),
            )),
        )),
        Section("Challenges / barriers to intervention", (
            Table("challenges", "Challenges", rows=6, columns=(
                F("challenge", "Challenge", "choice", required=True, choices=CHALLENGES),
                F("context", "Context", "choice", choices=CONTEXT_VALUES),
                F("note", "Note", "longtext", personal=True),
            )),
        )),
    ),
)
