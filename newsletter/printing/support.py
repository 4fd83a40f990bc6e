"""Whether this machine can make PDFs, and if not, what to install.

WeasyPrint needs Pango (a system library) and the PDF needs a CJK font; neither comes from pip.
The app must keep running without them, so nothing imports WeasyPrint at module level.
"""

import functools
import glob
import shutil
import subprocess

INSTALL_HINT = (
    "Debian/Ubuntu：sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk；"
    "macOS：brew install pango font-noto-serif-cjk-sc（或 font-noto-sans-cjk-sc）。安装后重启服务。"
)
CJK_FONT_GLOBS = [
    "/usr/share/fonts/**/Noto*CJK*",
    "/usr/local/share/fonts/**/Noto*CJK*",
    "/Library/Fonts/Noto*CJK*",
    "/opt/homebrew/share/fonts/**/Noto*CJK*",
]


@functools.lru_cache(maxsize=1)
def missing_requirements():
    """A list of what is missing (in Chinese, for the UI); empty when PDFs can be made."""
    missing = []
    try:
        import weasyprint  # noqa: F401  (loads Pango through ctypes; OSError when absent)
    except ImportError:
        missing.append("Python 包 weasyprint（pip install -r requirements.txt）")
    except OSError:
        missing.append("系统库 Pango（libpango-1.0-0、libpangoft2-1.0-0）")
    if not _has_cjk_font():
        missing.append("中文字体 Noto CJK（fonts-noto-cjk）")
    return missing


def pdf_available():
    return not missing_requirements()


def unavailable_reason():
    missing = missing_requirements()
    if not missing:
        return ""
    return "本机缺少生成 PDF 所需的" + "、".join(missing) + "。" + INSTALL_HINT


def _has_cjk_font():
    fc_list = shutil.which("fc-list")
    if fc_list:
        result = subprocess.run(  # noqa: S603  (fixed arguments, no user input)
            [fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=20, check=False
        )
        if result.returncode == 0:
            return bool(result.stdout.strip())
    return any(glob.glob(pattern, recursive=True) for pattern in CJK_FONT_GLOBS)
