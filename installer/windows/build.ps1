# Build the Windows installer: PyInstaller bundle -> frozen self-test -> Inno Setup.
#
#   powershell -ExecutionPolicy Bypass -File installer\windows\build.ps1 [-Python py] [-SkipSelfTest]
#
# Run on a Windows 10/11 x64 machine with Python 3.10+ (python.org installer, "py" launcher) and
# Inno Setup 6.3+ installed. Output: dist\BranchDesk-<version>-setup.exe (and dist\branchdesk\).
# See README.md in this folder.
param(
    [string]$Python = "py",
    [switch]$SkipSelfTest
)
$ErrorActionPreference = "Stop"
$Root = Resolve-Path (Join-Path $PSScriptRoot "..\..")
Set-Location $Root

function Invoke-Checked {
    # Run a native command and stop on a non-zero exit code ($ErrorActionPreference does not
    # cover native programs in Windows PowerShell 5.1).
    param([string]$Exe, [string[]]$Arguments)
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Exe $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

# A build virtualenv of its own under build\, so the bundle holds only what the app needs.
$Venv = Join-Path $Root "build\venv-windows"
if (-not (Test-Path (Join-Path $Venv "Scripts\python.exe"))) {
    if ($Python -eq "py") { Invoke-Checked "py" @("-3", "-m", "venv", $Venv) }
    else { Invoke-Checked $Python @("-m", "venv", $Venv) }
}
$Py = Join-Path $Venv "Scripts\python.exe"
Invoke-Checked $Py @("-m", "pip", "install", "--upgrade", "pip")
Invoke-Checked $Py @("-m", "pip", "install", ".[build]")

Invoke-Checked $Py @("-m", "PyInstaller", "--noconfirm", "--distpath", "dist", "--workpath",
                     "build\pyinstaller", "installer\branchdesk.spec")

if (-not $SkipSelfTest) {
    # The same frozen self-test as CI runs on Linux, without the .deb part.
    Invoke-Checked $Py @("installer\selftest.py", "--no-build", "--no-deb")
}

$Version = (& $Py -c "import branchdesk; print(branchdesk.__version__)").Trim()

# ISCC.exe: on PATH, or where the Inno Setup installer puts it (all users or current user).
$Iscc = (Get-Command "ISCC.exe" -ErrorAction SilentlyContinue).Source
if (-not $Iscc) {
    $Candidates = @(
        (Join-Path ${env:ProgramFiles(x86)} "Inno Setup 6\ISCC.exe"),
        (Join-Path $env:ProgramFiles "Inno Setup 6\ISCC.exe"),
        (Join-Path $env:LOCALAPPDATA "Programs\Inno Setup 6\ISCC.exe")
    )
    $Iscc = $Candidates | Where-Object { Test-Path $_ } | Select-Object -First 1
}
if (-not $Iscc) { throw "ISCC.exe not found: install Inno Setup 6.3 or newer (see README.md)" }

Invoke-Checked $Iscc @("/DAppVersion=$Version", "installer\windows\branchdesk.iss")
Write-Host "Installer: dist\BranchDesk-$Version-setup.exe"
