@echo off
rem Double-click or run from a command prompt: builds dist\BranchDesk-<version>-setup.exe.
rem All the work is in build.ps1 next to this file; arguments are passed on (e.g. -SkipSelfTest).
powershell -NoProfile -ExecutionPolicy Bypass -File "%~dp0build.ps1" %*
if errorlevel 1 (
  echo.
  echo Build failed.
  pause
  exit /b 1
)
