"""Fictional branches for the tests and the benchmarks (``testdata.fakedata``).

Kept outside the ``branchdesk`` package so the installed app and the frozen bundle do not
carry it: only ``tests/`` and ``bench/`` import it, from a checkout of the repository.
"""
