"""NSPCC HSB framework audit tool (seed 004, 2nd edition 2019; catalogue §7): one agency's scores for one round.

Five domains of statements (S004:L403-440, L761-799, L1220-1255, L1757-1773, L2080-2113), texts verbatim with
the seed's markup removed (the sub-bullets of 3.6 and 5.2 on lines of their own). The stems 1.6, 2.1 and 4.1
introduce their items a-c and are shown but not scored, so 46 statements are scored and domains 3 and 5 have 8
(catalogue §10 C1); means, not sums, compare domains (C5). The score key is the per-domain key (S004:L390-398)
with level 3 as the introduction gives it (L176): the per-domain keys carry a fragment of level 4 (C2).
"""
from addin.forms.model import Field as F, Form, Heading as H, Section, Table

# The score key: what the drop-down offers (a score may be typed as its number alone: "3").
SCORES = (
    "0 - Not at all/never/no evidence for this",
    "1 - Very little/very infrequently/very little evidence for this",
    "2 - To some extent/sometimes/some evidence for this",
    "3 - To a fair extent/frequently/good evidence of this",
    "4 - Always/to a great extent/a wealth of extremely strong evidence for this",
)
STEMS = ("1.6", "2.1", "4.1")  # introduce 1.6a-c, 2.1a-c, 4.1a-c; not scored themselves

# number, short name (the side tab, catalogue §7.1), audit heading
DOMAINS = (
    (1, "Responses", "A continuum of responses to children and young people displaying HSB"),
    (2, "Prevention", "Prevention, identification and early intervention"),
    (3, "Assessment", "Effective assessment and referral pathways"),
    (4, "Interventions", "Multi-modal approach to intervention"),
    (5, "Development", "Workforce development"),
)

STATEMENTS = (
    ("1.1", "We capture accurate data about the number of children and young people requiring support due to their "
            "HSB, and the number who are identified through referral processes but may not be receiving support."),
    ("1.2", "Our data gives us an accurate picture of children and young people displaying HSB in our area in terms "
            "of age, gender, ethnicity, and proportion with learning difficulties or disability. We use this to help "
            "us plan service responses and workforce development."),
    ("1.3", "Local community-based teams, including CAMHS and the voluntary sector (for example, the NSPCC or "
            "Barnardo's) provide consultation and advice to schools on HSB."),
    ("1.4", "Parents or carers of children and young people displaying HSB receive support that is sensitive, "
            "non-stigmatising and accessible."),
    ("1.5", "There is a shared understanding, across all partner agencies, of what constitutes problematic sexual "
            "behaviour and what constitutes abusive sexual behaviour."),
    ("1.6", "We are confident that children and young people displaying HSB are well-supported in terms of their HSB "
            "and its underlying causes:"),
    ("1.6a", "Living at home (including support to families)"),
    ("1.6b", "Children and young people in care settings (including links to transitions and permanency planning)"),
    ("1.6c", "Children and young people in secure/supervised settings (including links to transitions and "
             "permanency planning)"),
    ("1.7", "We have effective arrangements in place with neighbouring areas, allowing shared commissioning of highly "
            "specialised assessment and treatment services to meet the specialised needs of the most complex cases."),
    ("1.8", "The practice and service response to children and young people displaying HSB is proportionate to the "
            "level of risk and need they present, and interventions can be stepped up swiftly to respond to "
            "increased risk."),
    ("2.1", "We have prevention initiatives in place and we are confident that these are effective and appropriately "
            "targeted:"),
    ("2.1a", "Primary prevention (community or population wide)"),
    ("2.1b", "Secondary prevention (prior to abuse with higher risk or higher need individuals and communities, and "
             "offers of risk assessment post HSB incident)"),
    ("2.1c", "Tertiary prevention (post abuse interventions with victims and those displaying the HSB)"),
    ("2.2", "We offer non-judgemental, non-stigmatising information and advice to children, young people and their "
            "parents and carers, which is accessible by a range of cultures and literacy levels."),
    ("2.3", "Children and young people in our local area can find reliable information, ask difficult questions "
            "anonymously, and access help and support when they need it."),
    ("2.4", "Schools across our area provide high quality PSHE or sex and relationships education which includes "
            "discussion around sexual consent."),
    ("2.5", "Clear and consistent thresholds for HSB, considering the context of child and adolescent development, "
            "are applied across education, health and other agencies."),
    ("2.6", "Foster carers, residential staff and adopters are provided with high quality training and advice about "
            "normal sexual behavioural development and how to respond to problematic sexual behaviour, and this has "
            "a positive impact on carer/practitioner anxiety and placement stability."),
    ("2.7", "Early recognition assessments of children displaying HSB consider wider welfare needs and concerns, "
            "including family issues, social, economic, and developmental factors."),
    ("2.8", "All prevention initiatives and early intervention in our local area are clearly connected to child "
            "protection systems and draw on the specialist support of children's social care in order to ensure "
            "effective responses to risk and vulnerability."),
    ("3.1", "The assessment tools used by practitioners are evidence-based and suitable for an appropriate population "
            "of children and young people (age, cognitive ability, etc)."),
    ("3.2", "Assessments include a holistic view of the child or young person, including consideration of harmful "
            "behaviours, development, family, and environment."),
    ("3.3", "Our assessment frameworks and protocols around HSB dovetail closely with related existing frameworks, "
            "and practitioners can navigate these effectively (for example, the designated safeguarding lead in "
            "school is clear on their role regarding HSB; LSCBs work on abuse and exploitation reflects HSB)."),
    ("3.4", "Assessment of children and young people displaying HSB in our area is multi-disciplinary and supported "
            "by effective multi-agency cooperation, but also retains close attention to child protection issues."),
    ("3.5", "Our initial assessment processes identify need, effectively ensuring cases enter the right part of the "
            "system, they receive the correct level of resources, and are supported swiftly to engage at the "
            "appropriate level. This includes cases relating to the police and CPS."),
    ("3.6", "Educational settings in our area are supported to effectively play a range of roles, including:\n"
            "- helping young people to make positive lifestyle choices and show respect for others\n"
            "- identification\n- referral\n- contribution to assessment\n"
            "- ongoing support via multi-agency processes."),
    ("3.7", "Our referral processes and multi-agency pathways for children and young people displaying HSB are "
            "understood by all relevant agencies, employ a shared language and terminology, are used appropriately, "
            "and align with other relevant processes across our area."),
    ("3.8", "Our assessment and referral processes are reviewed to ensure they are operating to best effect, are "
            "responsive to local needs and are accessible; this review includes the views of children, young people "
            "and families."),
    ("4.1", "Intervention and support provided to children and young people displaying HSB in our area:"),
    ("4.1a", "effectively target presenting problems and broad issues in the child or young person's early "
             "experience (unresolved trauma, experiences of abuse, family issues) and is multi-modal in its approach"),
    ("4.1b", "are evidence-based and implemented according to what is known to be effective; and include evaluation"),
    ("4.1c", "are resilience-based (support is strengths-based, child and family centred, focuses on the child's "
             "understanding of their behaviours, etc) rather than adopting a deficit model."),
    ("4.2", "The support provided to younger children (pre-adolescence) with problematic sexual behaviour is tailored "
            "to meet their developmental needs, and takes into account their specific vulnerabilities (for example, "
            "experiencing abuse themselves); we can evidence the effectiveness of this support."),
    ("4.3", "The support provided to adolescents displaying HSB in our area recognises the diverse needs that are "
            "frequently identified in these young people, including emotional, psychological and physical "
            "impairments; speech and hearing impediments; behavioural problems; educational difficulties and ADHD."),
    ("4.4", "We have specific support in place for learning disabled and SEN children and young people displaying "
            "HSB, which reflects their need for support around peer relations as well as developmentally appropriate "
            "sex education."),
    ("4.5", "We can demonstrate recognition of the higher rate of victimisation and trauma in the histories of young "
            "women displaying HSB. We offer them effective services which include responses to the likely impact of "
            "this abuse (for example, the increased likelihood of developing mental health difficulties)."),
    ("4.6", "Where young people displaying HSB are facing criminal charges (such as gang-associated young people who "
            "display HSB) their needs and risks are addressed in a joined-up way through links across community "
            "safety and youth justice agencies (rather than adopting a criminal justice response for these young "
            "people, while others receive a therapeutic response)."),
    ("4.7", "The families of children and young people displaying HSB are provided with services and strengths-based "
            "support in our area. Our practitioners have a good understanding of the distress and shame experienced "
            "by parents, and the underlying family dysfunction that often accompanies HSB."),
    ("4.8", "Our local area can demonstrate that children and young people receive effective support and education "
            "in relation to HSB using new media and technology; local schools settings are confident and skilled in "
            "online safety, with other agencies (including criminal justice agencies and specialist online safety "
            "organisations) effectively linked into this work."),
    ("5.1", "We can demonstrate effective multi-agency arrangements and approaches to HSB in our area; practitioners "
            "and managers across agencies report clarity about thresholds, risk, responsibility and their respective "
            "roles and tasks, meaning work is not duplicated, information is shared effectively, and the value of "
            "each agency's contribution is recognised."),
    ("5.2", "We ensure that strong integrated working practices are at the heart of working with HSB, and routinely "
            "review our HSB work in relation to:\n"
            "– the use of the Common Assessment Frameworks (or equivalent EHA)\n"
            "– the role of the lead professional\n"
            "– the latest information sharing guidance (both national and local policies)\n"
            "– the 'team around the child' or equivalent local models."),
    ("5.3", "We have in place systems to enable those working in universal and non-specialist services to 'draw "
            "down' expertise and consultation advice (including supervision where appropriate) from colleagues with "
            "specialist knowledge. This is building capacity in the wider early help workforce and reducing demand "
            "on higher tier services."),
    ("5.4", "Multi-disciplinary training is provided to those working with HSB, and is inclusive of all key "
            "disciplines and groups (teachers, volunteers, mentors, residential care practitioners, youth justice "
            "colleagues, youth workers, social workers, clinical practitioners, youth offending team workers, child "
            "and adolescent mental health workers, police); this training embeds a common language of understanding "
            "and mutual appreciation of each other's roles; we routinely and robustly evaluate the impact of this "
            "training on professional attitudes, awareness and self-efficacy."),
    ("5.5", "We offer bespoke training and support for foster carers and adopters that recognises the specific needs "
            "of this group; we can evidence the impact of this training and support."),
    ("5.6", "Frontline and team managers across our local area are well supported, and their critical influence on "
            "service delivery, culture and morale is recognised; we can evidence the impact of this support."),
    ("5.7", "We routinely and robustly review our workforce development activity including supervision, with a focus "
            "on practitioners' experience of working with HSB, which contributes to a learning culture."),
    ("5.8", "We are confident that those working with HSB (not just those in roles where clinical supervision is "
            "established practice) are provided with high-quality, reflective supervision that supports them to "
            "manage the impact of this work; supervision is audited and we can evidence its positive impact on the "
            "workforce."),
)
TEXT = dict(STATEMENTS)
ROUNDS = tuple(f"T{n}" for n in range(1, 10))  # T1 the baseline, T2 after six months, T3 after twelve, ...


def domain_of(number: str) -> int:
    return int(number.split(".")[0])


def table_id(n: int) -> str:
    return f"domain_{n}"


def statements(n: int) -> tuple[tuple[str, str], ...]:
    """Domain n's rows (number, text), stems included, in the seed's order."""
    return tuple(s for s in STATEMENTS if domain_of(s[0]) == n)


def scored(n: int | None = None) -> tuple[str, ...]:
    """The numbers of the scored statements (of domain n; of all domains when None)."""
    return tuple(k for k, _ in STATEMENTS if k not in STEMS and (n is None or domain_of(k) == n))


def score_value(choice) -> int | None:
    """0-4 from a score as read (its drop-down text); None for blank."""
    return None if choice is None else int(str(choice)[0])


KEY = "Scoring key: " + "; ".join(s.replace(" - ", " ", 1) for s in SCORES) + "."
SCORE_HELP = ("Pick the score from the list; evidence must underpin every score (S004:L182). Where agencies "
              "differ, use the lower score.")


def _domain(n: int, short: str, heading: str) -> Section:
    rows = statements(n)
    return Section(f"Domain {n}: {short} - {heading}", (
        Table(table_id(n), f"Domain {n}: {short}", rows=0, preset=rows, columns=(
            F("statement", "Statement", help="The statement's number, fixed."),
            F("statement_text", "Statement text", "longtext"),
            F("score", "Score", "choice", choices=SCORES, help=SCORE_HELP),
            F("evidence", "Evidence supporting this score", "longtext",
              help="What shows the score is right: data, audits, case files, feedback. Aggregates only, never a "
                   "child's name."),
            F("assurance", "Assurance systems in place locally for QA/evidencing this statement", "longtext"),
        )),
        F(f"comments_{n}", f"Domain {n}: comments", "longtext",
          help="Anything the scores do not say: disagreements, gaps in evidence, actions to consider."),
        F(f"date_completed_{n}", f"Domain {n}: date completed", "date"),
    ))


FORM = Form(
    id="hsb-audit",
    code="AUD",
    title="NSPCC HSB framework audit",
    version="2019.1",
    sheet="Audit",
    intro=("One agency's scores for one round of the NSPCC harmful sexual behaviour framework audit (2nd edition, "
           "2019). Score each statement 0-4 with the evidence behind it; the stems 1.6, 2.1 and 4.1 are scored by "
           "their items a-c. The Summary sheet shows the domain means and the radar as you type."),
    sections=(
        Section("About this audit", (
            F("agency", "Agency", "choice", required=True, choices="agencies",
              help="The agency whose scores these are (the partnership's agreed scores come from 'safecontext "
                   "audit merge')."),
            F("round", "Round", "choice", required=True, choices=ROUNDS,
              help="T1 is the baseline; repeat after six months (T2) and twelve months (T3)."),
            F("round_date", "Date of this round", "date", required=True,
              help="When the agency completed this round's audit; dd/mm/yyyy."),
            F("completed_by_role", "Completed by (role)", help="A role, not a name: e.g. Head of Safeguarding."),
            H(KEY, note=True),
        )),
        *(_domain(*d) for d in DOMAINS),
    ),
)
