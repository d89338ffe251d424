; Inno Setup script for BranchDesk (党支部工作台账) on Windows 10/11.
;
; Build on Windows with build.ps1 (or build.bat), which runs PyInstaller first and then:
;     ISCC.exe /DAppVersion=0.1.0 installer\windows\branchdesk.iss
; Needs Inno Setup 6.3 or newer (x64compatible) and the Simplified Chinese messages file; see
; README.md in this folder for where ChineseSimplified.isl comes from.
;
; This file is saved as UTF-8 WITH a byte-order mark: without it ISCC reads the script in the
; machine's ANSI code page and the Chinese text below turns into garbage.
;
; What the installer does:
; - installs per user without administrator rights (PrivilegesRequired=lowest) into
;   %LOCALAPPDATA%\Programs\BranchDesk; the first page offers "为所有用户安装" (needs admin,
;   installs into Program Files) - PrivilegesRequiredOverridesAllowed=dialog;
; - a Start-menu shortcut, and a desktop shortcut (a task, ticked by default, can be unticked);
; - on uninstall, keeps the user's data (%LOCALAPPDATA%\BranchDesk: the database, backups,
;   attachments, logs) unless the user answers 是 to the question in [Code] below.

#if PREPROCVER < 0x06030000
  #error Inno Setup 6.3 or newer is needed (ArchitecturesAllowed=x64compatible).
#endif

#define AppName "党支部工作台账"
#define AppExe "branchdesk.exe"
#define DistDir "..\..\dist\branchdesk"
#ifndef AppVersion
  ; build.ps1 passes the version from branchdesk/__init__.py; otherwise take it from the exe's
  ; version resource (written by installer/branchdesk.spec).
  #define AppVersion GetVersionNumbersString(AddBackslash(SourcePath) + DistDir + "\" + AppExe)
#endif

; ChineseSimplified.isl: Inno Setup's own Languages folder when this version ships it, else a copy
; next to this script (README.md says where to get it).
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
  #define ChineseMessages "compiler:Languages\ChineseSimplified.isl"
#elif FileExists(AddBackslash(SourcePath) + "ChineseSimplified.isl")
  #define ChineseMessages "ChineseSimplified.isl"
#else
  #error ChineseSimplified.isl not found: put it in Inno Setup's Languages folder or next to branchdesk.iss (see README.md).
#endif

[Setup]
; AppId identifies the product to Windows (uninstall entry, upgrades). NEVER change it.
AppId={{068184B2-E7BC-4292-8094-46F907858DD2}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=BranchDesk
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
VersionInfoDescription={#AppName} 安装程序
; Per-user by default, no UAC prompt; the dialog lets an administrator install for all users.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
; {autopf} = %LOCALAPPDATA%\Programs per user, Program Files for all users. An ASCII folder name
; avoids trouble with old tools and scripts that mangle non-ASCII paths.
DefaultDirName={autopf}\BranchDesk
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
SetupIconFile=..\..\resources\icons\branchdesk.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
WizardStyle=modern
ShowLanguageDialog=no
Compression=lzma2/max
SolidCompression=yes
OutputDir=..\..\dist
OutputBaseFilename=BranchDesk-{#AppVersion}-setup
; Close a running BranchDesk (Restart Manager) before replacing its files.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "chinesesimplified"; MessagesFile: "{#ChineseMessages}"

[CustomMessages]
chinesesimplified.DeleteDataQuestion=是否同时删除本机保存的支部数据？%n%n位置：%1%n%n其中包括党员名册、会议记录、附件和自动备份，删除后无法恢复。%n%n选“否”（推荐）：保留数据，以后重新安装本软件即可继续使用。
chinesesimplified.DeleteDataFailed=部分数据文件没有删除（可能正被其他程序使用）。%n如需删除，请手动删除文件夹：%n%1

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; An upgrade replaces the whole bundle: stale libraries from an older version must not linger
; next to the new ones. (Only the program folder; the user's data lives elsewhere.)
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "党支部工作台账"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
{ The data folder the app uses by default (branchdesk/paths.py: platformdirs user_data_dir,
  i.e. %LOCALAPPDATA%\BranchDesk). Only the uninstalling user's folder is offered for deletion;
  other users' folders and a portable "data" folder next to the program are never touched. }
function DataDir(): String;
begin
  Result := ExpandConstant('{localappdata}\BranchDesk');
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  Dir: String;
begin
  if CurUninstallStep <> usPostUninstall then
    Exit;
  Dir := DataDir();
  { A silent uninstall (/SILENT, /VERYSILENT: usually IT scripts) always keeps the data. }
  if UninstallSilent() or not DirExists(Dir) then
    Exit;
  { "No" is the default button: keeping the data is the safe answer. }
  if MsgBox(FmtMessage(CustomMessage('DeleteDataQuestion'), [Dir]),
            mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES then
  begin
    if not DelTree(Dir, True, True, True) then
      MsgBox(FmtMessage(CustomMessage('DeleteDataFailed'), [Dir]), mbError, MB_OK);
  end;
end;
