"""Row and column names the matrix, its publishable version and the briefing share (no heavy imports)."""
ANY = "Any peer-on-peer abuse concern"
REFERRALS = "Referrals"
NOT_RECORDED = "Not recorded"
ALL_REFERRALS = "All referrals"  # a column of Contexts and Groups & provision: counts of all referrals
