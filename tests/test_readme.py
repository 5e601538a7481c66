"""The README opens with the two commands a newcomer types; CI runs the second one as written."""

from __future__ import annotations

import re

from tests.conftest import REPO


def _readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(.+?)\n```", text, flags=re.DOTALL)


def test_readme_opens_with_report_and_test_commands():
    commands = _readme_commands()
    assert len(commands) >= 2
    report, tests = commands[0], commands[1]
    assert "dgi-stats report 2021" in report
    assert "pip install -e" in report
    assert tests.rstrip().endswith("pytest")
    # the two commands come before any other section of the README
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert text.index(tests) < text.index("## ")


def test_ci_installs_and_tests_exactly_as_the_readme_says():
    tests_cmd = _readme_commands()[1]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert f"# README: {tests_cmd}" in ci
    install = re.search(r'pip install -e "([^"]+)"', tests_cmd)
    assert install is not None
    assert f'pip install --quiet -e "{install.group(1)}"' in ci
    assert "\npytest\n" in ci


def test_readme_quick_start_runs(capsys):
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.+?)\n```", text, flags=re.DOTALL)
    assert blocks, "the README has a Python quick start"
    namespace: dict[str, object] = {}
    exec(compile(blocks[0], "README.md", "exec"), namespace)  # noqa: S102 (the README is ours)
    out = capsys.readouterr().out
    assert "Uông Bí" in out
    assert "ci_high" in out
