; Aurora Desktop's Windows installer (NSIS 3, Modern UI 2). build/release.py compiles it:
;   makensis -DVERSION=0.1.0 -DVERSION_WIN=0.1.0.0 -DPAYLOAD=dist\aurora-desktop -DOUTFILE=...setup.exe
;            -DICON=build\icons\aurora.ico build\windows\installer.nsi
; NSIS rather than Inno Setup: Debian ships makensis, so this script compiles (and is checked, on a
; stand-in payload: tests/e2e/test_nsis_installer.py) on Linux too; Inno Setup needs Windows (or Wine).
;
; Per user, no administrator rights: into %LOCALAPPDATA%\Programs\Aurora Desktop, a Start menu
; entry, an optional desktop shortcut, an entry in Settings > Apps (HKCU). The uninstaller keeps the
; user's videos and library unless its "Also remove my videos and library" box is ticked.

Unicode true
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID lzma

!ifndef VERSION
  !error "pass -DVERSION=x.y.z"
!endif
!ifndef VERSION_WIN
  !define VERSION_WIN "${VERSION}.0"
!endif
!ifndef PAYLOAD
  !error "pass -DPAYLOAD=<the onedir build folder>"
!endif
!ifndef OUTFILE
  !define OUTFILE "aurora-desktop-${VERSION}-windows-x86_64-setup.exe"
!endif

!define APP_NAME "Aurora Desktop"
!define APP_ID "aurora-desktop"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"

!include "MUI2.nsh"
!include "FileFunc.nsh"

Name "${APP_NAME}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
BrandingText "${APP_NAME} ${VERSION}"

VIProductVersion "${VERSION_WIN}"
VIAddVersionKey "ProductName" "${APP_NAME}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "${APP_NAME} installer"
VIAddVersionKey "LegalCopyright" "${APP_NAME} developers"

!ifdef ICON
  !define MUI_ICON "${ICON}"
  !define MUI_UNICON "${ICON}"
!endif
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_NODESC
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_ID}.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Start ${APP_NAME} now"

!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "English"

Function .onInit
  SetShellVarContext current
FunctionEnd

Function un.onInit
  SetShellVarContext current
FunctionEnd

Section "${APP_NAME} (required)" SecApp
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; An update installs over the old version: its files go first, so none of them lingers.
  RMDir /r "$INSTDIR\_internal"
  File /r "${PAYLOAD}/*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS"
  CreateShortcut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\${APP_ID}.exe" "" "$INSTDIR\${APP_ID}.exe" 0

  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${APP_NAME} developers"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${APP_ID}.exe"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "Desktop shortcut" SecDesktop
  CreateShortcut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\${APP_ID}.exe" "" "$INSTDIR\${APP_ID}.exe" 0
SectionEnd

; ---------------------------------------------------------------------------------- uninstall

Section "un.${APP_NAME}" SecUnApp
  SectionIn RO
  Delete "$SMPROGRAMS\${APP_NAME}.lnk"
  Delete "$DESKTOP\${APP_NAME}.lnk"
  ; The install folder holds only what this installer put there (the app and the uninstaller).
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${APP_ID}.exe"
  Delete "$INSTDIR\${APP_ID}-cli.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
SectionEnd

; Off unless ticked: the library (the app's data, settings and logs: platformdirs' folder
; %LOCALAPPDATA%\aurora-desktop) and the videos in the default videos folder. Videos saved in a
; folder the user chose elsewhere are never touched.
Section /o "un.Also remove my videos and library" SecUnData
  RMDir /r "$LOCALAPPDATA\${APP_ID}"
  RMDir /r "$VIDEOS\${APP_NAME}"
SectionEnd
