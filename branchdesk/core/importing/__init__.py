"""Roster import from Excel (.xlsx, .xls): read, find the header, map columns, check rows, write.

Typical use::

    plan = plan_file(db, path)                      # reads the file, writes nothing
    # the user corrects the mapping: plan again from the same Table, without rereading
    plan = build_plan(db, plan.table, header_row=plan.header.row,
                      header_height=plan.header.height, mapping={1: "name", 3: "id_number"})
    result = apply(db, plan, update_existing=True)  # all rows or none; see apply()
"""

from branchdesk.core.importing.headers import (FIELDS, Header, column_name, detect_header,
                                               guess_mapping)
from branchdesk.core.importing.plan import (ImportPlan, ImportResult, Table, apply, build_plan,
                                            check_mapping, plan_file, read_table)
from branchdesk.core.importing.rows import RowResult

__all__ = ["FIELDS", "Header", "ImportPlan", "ImportResult", "RowResult", "Table", "apply",
           "build_plan", "check_mapping", "column_name", "detect_header", "guess_mapping",
           "plan_file", "read_table"]
