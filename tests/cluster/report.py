"""What the cluster test checked: each check printed as it is decided, all of them written to a JSON file."""

import json
import time


class StepFailed(Exception):
    """A check the rest of its step depends on failed: the step stops there (the run goes on).
    ``recorded``: the failure is already in the report (``Report.require``); otherwise the run records it."""

    def __init__(self, message, recorded=False):
        super().__init__(message)
        self.recorded = recorded


class Report:
    def __init__(self):
        self.started = time.monotonic()
        self.step = ""
        self.checks = []  # {"step", "check", "ok", "detail", "at_s"}
        self.numbers = {}  # figures worth keeping: timings, counts

    def begin(self, step):
        self.step = step
        print(f"\n[cluster] === {step} ===", flush=True)

    def elapsed(self):
        return round(time.monotonic() - self.started, 1)

    def info(self, message):
        print(f"[cluster]   {message}", flush=True)

    def check(self, name, ok, detail=""):
        """Record one check; print it. Returns ``ok`` so callers may branch on it."""
        ok = bool(ok)
        self.checks.append({"step": self.step, "check": name, "ok": ok, "detail": str(detail), "at_s": self.elapsed()})
        mark = "ok  " if ok else "FAIL"
        print(f"[cluster] {mark} {name}" + (f" — {detail}" if detail else ""), flush=True)
        return ok

    def require(self, name, ok, detail=""):
        """A check the rest of the step needs: StepFailed when it fails."""
        if not self.check(name, ok, detail):
            raise StepFailed(name, recorded=True)

    def number(self, name, value):
        self.numbers[name] = value
        return value

    @property
    def failures(self):
        return [check for check in self.checks if not check["ok"]]

    def write(self, path, extra):
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "passed": not self.failures and bool(self.checks),
            "checks_passed": len(self.checks) - len(self.failures),
            "checks_failed": len(self.failures),
            "seconds": self.elapsed(),
            "numbers": self.numbers,
            "checks": self.checks,
            **extra,
        }
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2))
