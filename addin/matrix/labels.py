"""Row and column names the matrix, its publishable version and the briefing share (no heavy imports)."""
ANY = "Any peer-on-peer abuse concern"
REFERRALS = "Referrals"
NOT_RECORDED = "Not recorded"
