"""The benchmark harness (issue 8): `make bench`, or `.venv/bin/python -m bench.run --help`."""
