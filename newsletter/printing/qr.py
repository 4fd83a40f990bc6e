"""The QR code on the back page: it opens the issue's web edition."""

from django.conf import settings


def issue_web_url(issue):
    """The issue's absolute public URL, built outside any request from settings.SITE_URL."""
    return settings.SITE_URL + issue.get_absolute_url()


def qr_svg_data_uri(url):
    # Vector output stays sharp at any print resolution; error level M survives a crease or a smudge.
    import segno  # only where a print edition is made; not in every web worker

    return segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=4, dark="#000", light="#fff")
