"""Cross-field rules of the Peer Group Information Capture form."""
from __future__ import annotations

from addin.validators.common import blank, error, query, rowwise

AFTER_GATE = ("peer_network", "peer_network_details", "positive_influence", "negative_influence",
              "follows_peers", "leads_peers", "other_information")


def _gate_ok(r) -> bool:
    """`r._peers` is the number of peers named, or None when the Peers table could not be read (PGI-013)."""
    return r.aware_of_peers is not False or (all(blank(r[f]) for f in AFTER_GATE) and not r._peers)


def _gate_msg(r, at) -> str:
    named = [at(f).rsplit(" (", 1)[-1].rstrip(")") for f in AFTER_GATE if not blank(r[f])]
    if r._peers:
        named.append(f"{r._peers} peer name(s)")
    return ("is No, so the rest of the form must be empty, but these are filled: "
            f"{', '.join(named)}; answer Yes or clear them")


RULES = [
    error("PGI-020", "If the provider is not aware of any peer relationships, the rest of the form is empty.",
          "aware_of_peers", rowwise(_gate_ok), _gate_msg),
    query("PGI-021", "If the provider is aware of peer relationships, peers should be named.",
          "aware_of_peers", rowwise(lambda r: r.aware_of_peers is not True or r._peers != 0),
          lambda r, at: "is Yes, but no peers are named in the Peers table; name the young people "
                        "this young person spends time with"),
]
