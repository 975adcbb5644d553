"""Report writing every form's reports share: Word briefings from docxtpl templates (word.py)."""
