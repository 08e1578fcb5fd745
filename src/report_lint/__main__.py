"""`python -m report_lint` — the same as the `report-lint` command."""
from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
