"""What happened: `botx stats` (stats.py), spend (spend.py), metrics from X (metrics.py), the
experiments' report (experiments.py), `botx doctor` (doctor.py). Reports return data; cli/
renders it.

May import: everything but cli.
"""
