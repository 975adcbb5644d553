"""Peer Group Information Capture form (seed 002, Appendix F; S002:L2590-2620)."""
from addin.forms.model import Field as F, Form, Heading as H, Section, Table

FORM = Form(
    id="pgi",
    code="PGI",
    title="Peer Group Information Capture Form",
    version="2016.2",
    known_versions=("2016.1",),   # before the request reference (filed against its request from 2016.2)
    sheet="PGI",
    intro="This form is for informing an existing assessment only. It is not an intelligence "
          "gathering exercise. Fill the pale yellow cells and return it to the requester.",
    sections=(
        Section("Request", (
            F("request_reference", "Request reference", required=True, since="2016.2",
              help="The reference the requester gave this request (filled in when SafeContext writes the "
                   "request); the returned form is filed against it. Do not change it."),
            F("requester_name", "Information requester: name", required=True, personal=True),
            F("requester_agency", "Information requester: agency", "choice", required=True,
              choices=("Youth offending team", "Children's social care", "CSE service", "Other")),
            F("provider_name", "Information provider: name", required=True, personal=True),
            F("provider_agency", "Information provider: agency", "choice", required=True,
              choices=("Education provider (mainstream)", "Education provider (alternative)",
                       "Youth service", "Other")),
            F("young_person_name", "Name of young person concerned", required=True, personal=True),
            F("assessment_type", "Type of assessment being conducted by requesting organisation",
              "choice", required=True,
              choices=("Social care assessment", "Asset Plus", "CSE service assessment", "Other")),
            F("date_requested", "Date requested", "date"),
            F("return_by", "Please return by", "date", since="2016.2",
              help="Filled in when SafeContext writes the request."),
            F("date_returned", "Date returned", "date"),
        )),
        Section("Peer relationships", (
            F("aware_of_peers",
              "Are you (the information provider) aware of any peer relationships of the young person concerned?",
              "yesno", required=True,
              help="If yes please complete the remainder of this form; if no please return this form stating so."),
            H("If yes please complete the remainder of this form, if no please return this form stating so.",
              note=True),
            F("peer_network", "Does the young person have many peer relationships or a small number? "
              "Are they socially isolated?", "choice",
              choices=("Many peer relationships", "A small number", "Socially isolated")),
            F("peer_network_details", "Peer relationships: details", "longtext", personal=True),
            H("Please provide the names of the young people with whom this young person spends their time"),
            Table("peers", "Peers", rows=8, personal=True, columns=(
                F("name", "Name", required=True, personal=True),
                F("setting", "Where they spend time together",
                  help="E.g. same school, youth club, neighbourhood, online."),
            )),
            F("positive_influence", "Do you consider any of the above individuals to have a positive or "
              "protective influence on the young person concerned? (Please explain answer)", "longtext",
              personal=True),
            F("negative_influence", "Do you consider any of the above individuals to have a negative or "
              "risky influence on the young person concerned? (Please explain answer)", "longtext",
              personal=True),
            F("follows_peers", "Does the young person concerned appear to follow the influence of any of "
              "their peers? (Please name which peer and explain your answer)", "longtext", personal=True),
            F("leads_peers", "Does the young person concerned appear to lead or influence the behaviour of "
              "any of their peers? (Please name which peer/s and explain your answer)", "longtext",
              personal=True),
            F("other_information", "Is there any other information regarding the nature and quality of this "
              "young person's peer associations that you think would inform the assessment?", "longtext",
              personal=True),
        )),
    ),
)
