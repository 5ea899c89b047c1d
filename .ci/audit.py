"""Security checks for CI: bandit on the code, pip-audit on the environment.

bandit fails the run on any finding not in .ci/bandit-baseline.json (the
triaged ones, explained in SECURITY-TRIAGE.md). pip-audit needs PyPI's
vulnerability data: where it cannot be had (offline, or the registry mirror
has no vulnerability API) the audit is reported as skipped, never failed; a
known vulnerability that it does report fails the run.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_bandit() -> int:
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-q", "-r", "glossary",
         "-b", ".ci/bandit-baseline.json", "-f", "txt"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    print(result.stdout.strip() or "bandit: no new findings")
    if result.returncode not in (0, 1):
        print(result.stderr, file=sys.stderr)
    return result.returncode


def run_pip_audit() -> int:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "audit.json"
        try:
            result = subprocess.run(
                [sys.executable, "-m", "pip_audit", "--progress-spinner", "off",
                 "--skip-editable", "-f", "json", "-o", str(report)],
                cwd=ROOT, capture_output=True, text=True, timeout=600,
            )
        except subprocess.TimeoutExpired:
            print("pip-audit: skipped (the vulnerability service did not answer)")
            return 0
        if not report.exists():
            print("pip-audit: skipped (no answer from the registry):",
                  result.stderr.strip().splitlines()[-1:] or "")
            return 0
        data = json.loads(report.read_text())
    deps = data.get("dependencies", [])
    audited = [d for d in deps if "skip_reason" not in d]
    found = [(d["name"], d["version"], v["id"]) for d in audited for v in d["vulns"]]
    if not audited:
        print(f"pip-audit: skipped (the registry answered for none of {len(deps)} "
              "packages: no vulnerability data here)")
        return 0
    for name, version, vuln in found:
        print(f"pip-audit: {name} {version}: {vuln}")
    print(f"pip-audit: {len(audited)} packages audited, {len(found)} known "
          "vulnerabilities")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(max(run_bandit(), run_pip_audit()))
