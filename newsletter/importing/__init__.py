"""Archive import and export: the print edition's text format ⇄ issues in the database.

``parser`` turns text into plain dataclasses (no database), ``loader`` writes them in one
transaction, ``exporter`` writes an issue back out as Markdown or JSON.
"""
