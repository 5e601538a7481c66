"""``python -m dgi_stats``: the ``dgi-stats`` command."""

import sys

from dgi_stats.cli import main

if __name__ == "__main__":
    sys.exit(main())
