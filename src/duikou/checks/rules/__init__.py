"""The rule kinds: each check implemented once, as a few aggregate queries (never a loop over projects).

A `CheckRule` record names its kind, parameters, scope and years; `registry.kind_for(code)` is the class
that measures it. `base.py` holds what every kind shares (the parameters, the `Hit` it yields, the links to
the rows behind a value); one module per family: shares, rates, ledger, projects, talent.
"""
