"""The print edition (A4 PDF through WeasyPrint) and the WeChat article HTML, built from our own templates."""
