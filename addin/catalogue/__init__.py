"""The form packages: each holds one form's declaration, identity and reports (see addin.forms.registry)."""
