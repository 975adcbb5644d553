"""SafeContext: Excel forms to validated records, termly matrices and briefings."""
__version__ = "0.1.0"
