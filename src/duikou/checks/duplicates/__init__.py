"""Duplicate detection (issue 6, item 3): likely duplicate projects and their review queue.

- `normalise.py` — project names reduced to what tells one project from another;
- `index.py` — candidate pairs: blocking by place and year, shared name bigrams;
- `scoring.py` — the score of a pair and its reasons;
- `scan.py` — `scan()` over all projects, `likely_duplicates()` for one before it is saved;
- `review.py` — `refresh_queue()` from a scan, `decide_pair()` by a reviewer;
- `reasons.py` — the reasons written out for people.
"""

from .scan import Candidate, ScanOptions, likely_duplicates, scan

__all__ = ["Candidate", "ScanOptions", "likely_duplicates", "scan"]
