"""Contract tests: what every store implementation of assessor/repositories.py must do."""
