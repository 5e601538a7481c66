"""Write the report notebooks from the templates in ``dgi_stats/report/templates``.

The five annual reports (``dgi_report_2020.ipynb`` ... ``dgi_report_2024.ipynb``) are the one
template ``dgi_stats/report/templates/dgi_report.ipynb`` with its ``year`` set through papermill's
parameterisation (an ``injected-parameters`` cell); ``papi_case_study.ipynb`` is the PAPI template
as shipped. So the reports cannot drift apart, and an installed dgi_stats can run any of them
(``dgi-stats report <year>``). Edit a template (in Jupyter, outputs cleared), then run from the
repository root::

    python notebooks/_make_notebooks.py           # rewrite the notebooks
    python notebooks/_make_notebooks.py --check   # exit 1 if a notebook differs from the template

The notebooks are written without outputs and with fixed cell ids; regenerating gives
byte-identical files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dgi_stats.datasets import available_years
from dgi_stats.report.templates import build_papi_notebook, build_report_notebook, notebook_text

HERE = Path(__file__).resolve().parent


def expected() -> dict[str, str]:
    """File name -> the text the templates give."""
    out = {f"dgi_report_{y}.ipynb": notebook_text(build_report_notebook(y)) for y in available_years()}
    out["papi_case_study.ipynb"] = notebook_text(build_papi_notebook())
    return out


def main(argv: list[str] | None = None) -> int:
    """Write (or, with ``--check``, compare) every notebook; the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 on a difference")
    args = parser.parse_args(argv)
    stale = []
    for name, text in expected().items():
        path = HERE / name
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(name)
        if not args.check:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.name}")
    if args.check and stale:
        print(f"out of date: {', '.join(stale)}; run python notebooks/_make_notebooks.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
