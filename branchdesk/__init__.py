"""BranchDesk (党支部工作台账): offline records for one Party branch."""

__version__ = "0.1.0"
APP_NAME = "BranchDesk"
APP_TITLE = "党支部工作台账"
