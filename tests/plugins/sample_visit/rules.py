"""The outreach visit log's own rule."""
from addin.validators.common import blank, query, rowwise

RULES = [
    query("SV-020", "If concerns were raised, say what they were.", "concerns_raised",
          rowwise(lambda r: r.concerns_raised is not True or not blank(r.concern_notes)),
          lambda r, at: f"is Yes, but {at('concern_notes')} is blank; say what was seen or said",
          also=("concern_notes",)),
]
