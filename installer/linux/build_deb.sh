#!/usr/bin/env bash
# Build the .deb for 统信 UOS / 银河麒麟 / Debian-family desktops from the frozen one-folder app.
#
#   installer/linux/build_deb.sh [--generic] [DIST_DIR] [OUT_DIR]
#
#   DIST_DIR  the PyInstaller output folder (default: dist/branchdesk)
#   OUT_DIR   where the .deb goes            (default: dist)
#   --generic also put the menu entry, icons and a `branchdesk` command under /usr (for desktops
#             that do not read /opt/apps/*/entries, e.g. plain Debian); NOT for the UOS store.
#
# Layout (UOS application packaging spec: everything under /opt/apps/<appid>/, no maintainer
# scripts, since the store rejects packages whose postinst changes the system):
#
#   /opt/apps/<appid>/info                                   JSON: appid, name, version, arch, permissions
#   /opt/apps/<appid>/entries/applications/<appid>.desktop   menu entry (UOS links entries/ itself)
#   /opt/apps/<appid>/entries/icons/hicolor/<N>x<N>/apps/<appid>.png   (+ scalable/<appid>.svg)
#   /opt/apps/<appid>/files/branchdesk, files/_internal/     the frozen app
#   /opt/apps/<appid>/files/doc/copyright
#
# The appid is a reverse-domain name under ".local" (RFC 6762: a special-use name nobody can
# register), so it claims no one's domain; override with BRANCHDESK_APPID once the project owns
# one. The architecture is the build machine's (dpkg --print-architecture): build the arm64 package
# on an arm64 machine, from an arm64 PyInstaller build; PyInstaller does not cross-build.
set -euo pipefail

GENERIC=0
if [ "${1:-}" = "--generic" ]; then GENERIC=1; shift; fi
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DIST="${1:-$ROOT/dist/branchdesk}"
OUT="${2:-$ROOT/dist}"
APPID="${BRANCHDESK_APPID:-local.branchdesk.app}"
NAME_EN="BranchDesk"
NAME_ZH="党支部工作台账"

[ -x "$DIST/branchdesk" ] || { echo "no frozen app at $DIST (run pyinstaller installer/branchdesk.spec first)" >&2; exit 2; }
for tool in dpkg-deb objdump; do
  command -v "$tool" >/dev/null || { echo "$tool is needed (apt-get install dpkg binutils)" >&2; exit 2; }
done

# The UOS spec wants a four-part numeric version ({MAJOR}.{MINOR}.{PATCH}.{BUILD}); the package
# version is the same string so the two never disagree. BUILD comes from CI or defaults to 0.
PY_VERSION="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$ROOT/branchdesk/__init__.py")"
BASE="$(echo "$PY_VERSION" | grep -oE '^[0-9]+(\.[0-9]+){0,2}')"
while [ "$(echo "$BASE" | tr -cd . | wc -c)" -lt 2 ]; do BASE="$BASE.0"; done
VERSION="$BASE.${BRANCHDESK_BUILD:-0}"
ARCH="$(dpkg --print-architecture)"

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
APPDIR="$STAGE/opt/apps/$APPID"
mkdir -p "$APPDIR/files" "$APPDIR/entries/applications" "$STAGE/DEBIAN"

# --- the frozen app ------------------------------------------------------------------------------
cp -a "$DIST/." "$APPDIR/files/"
mkdir -p "$APPDIR/files/doc"
{
  echo "BranchDesk ($NAME_ZH) $PY_VERSION - MIT License, see the project's LICENSE/README."
  echo
  echo "Bundled font: resources/fonts/BranchDeskSerifSC-Regular.otf, a subset of Noto Serif CJK SC,"
  echo "SIL Open Font License 1.1: files/_internal/resources/fonts/OFL.txt"
  echo "Qt 6 and PySide6 (LGPLv3), Python (PSF License) and the libraries in files/_internal"
  echo "are under their own licences."
} > "$APPDIR/files/doc/copyright"

# --- icons: the PNGs drawn by resources/icons/make_icons.py, renamed to the appid ------------------
ICONS="$ROOT/resources/icons"
for size in 16 32 48 64 128 256; do
  dir="$APPDIR/entries/icons/hicolor/${size}x${size}/apps"
  mkdir -p "$dir"
  cp "$ICONS/branchdesk-$size.png" "$dir/$APPID.png"
done
mkdir -p "$APPDIR/entries/icons/hicolor/scalable/apps"
cp "$ICONS/branchdesk.svg" "$APPDIR/entries/icons/hicolor/scalable/apps/$APPID.svg"

# --- menu entry ------------------------------------------------------------------------------------
# Exec is the absolute path (UOS does not put /opt/apps/*/files on PATH). Icon is the appid, found
# through the hicolor theme in entries/icons.
DESKTOP="$APPDIR/entries/applications/$APPID.desktop"
cat > "$DESKTOP" <<EOF
[Desktop Entry]
Type=Application
Name=$NAME_EN
Name[zh_CN]=$NAME_ZH
GenericName=Party branch records
GenericName[zh_CN]=党支部台账
Comment=Offline records, checks and inspection ledgers for one Party branch
Comment[zh_CN]=离线记录党员名册、三会一课、谈心谈话，检查缺项，一键导出迎检台账
Exec=/opt/apps/$APPID/files/branchdesk
Icon=$APPID
Terminal=false
StartupNotify=true
Categories=Office;
Keywords=branch;ledger;meetings;党支部;台账;三会一课;签到表;
EOF

# --- info (UOS application description) -----------------------------------------------------------
# Permissions: the app needs none of these (no autostart, tray, camera, network...).
cat > "$APPDIR/info" <<EOF
{
    "appid": "$APPID",
    "name": "$NAME_ZH",
    "version": "$VERSION",
    "arch": ["$ARCH"],
    "permissions": {
        "autostart": false,
        "notification": false,
        "trayicon": false,
        "clipboard": false,
        "account": false,
        "bluetooth": false,
        "camera": false,
        "audio_record": false,
        "installed_apps": false
    },
    "support-plugins": [],
    "plugins": []
}
EOF

# --- optional /usr integration for non-UOS desktops ----------------------------------------------
if [ "$GENERIC" = 1 ]; then
  mkdir -p "$STAGE/usr/share/applications" "$STAGE/usr/bin"
  cp "$DESKTOP" "$STAGE/usr/share/applications/$APPID.desktop"
  cp -a "$APPDIR/entries/icons" "$STAGE/usr/share/"
  ln -s "/opt/apps/$APPID/files/branchdesk" "$STAGE/usr/bin/branchdesk"
fi

# --- Depends -------------------------------------------------------------------------------------
# PyInstaller bundles every library the app links to except the ones that must come from the
# machine (C library, OpenGL/EGL drivers, libxcb) and those the build machine lacks. List what the
# bundle needs but does not carry, and turn each into a package name. The C library version is the
# newest GLIBC_x.y symbol any bundled file uses: a bundle built on a newer distribution than the
# target then fails to install with a clear message instead of crashing at start.
needed="$(find "$APPDIR/files" -type f \( -name '*.so*' -o -name branchdesk \) -exec objdump -p {} + 2>/dev/null \
          | awk '/NEEDED/ {print $2}' | sort -u)"
bundled="$(find "$APPDIR/files" \( -type f -o -type l \) -printf '%f\n' | sort -u)"
GLIBC="$(find "$APPDIR/files" -type f \( -name '*.so*' -o -name branchdesk \) -exec objdump -T {} + 2>/dev/null \
         | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)"
declare -A DEPS=([libc6]="libc6 (>= $GLIBC)")
for lib in $(comm -23 <(echo "$needed") <(echo "$bundled")); do
  case "$lib" in
    ld-linux*|libc.so.*|libm.so.*|libdl.so.*|libpthread.so.*|librt.so.*|libresolv.so.*|libutil.so.*) ;;
    libGL.so.1) DEPS[libgl1]=libgl1 ;;
    libEGL.so.1) DEPS[libegl1]=libegl1 ;;
    libOpenGL.so.0) DEPS[libopengl0]=libopengl0 ;;
    libGLX.so.0) DEPS[libglx0]=libglx0 ;;
    libxcb.so.1) DEPS[libxcb1]=libxcb1 ;;
    libxcb-icccm.so.4) DEPS[libxcb-icccm4]=libxcb-icccm4 ;;
    libxcb-keysyms.so.1) DEPS[libxcb-keysyms1]=libxcb-keysyms1 ;;
    # Loaded only by the Wayland platform plugin, i.e. in a Wayland session, which has them.
    libwayland-*) ;;
    *) echo "build_deb.sh: the bundle needs $lib but does not carry it; add its package to the" \
            "case list in $0" >&2; exit 1 ;;
  esac
done
DEPENDS="$(printf '%s\n' "${DEPS[@]}" | sort | paste -sd, - | sed 's/,/, /g')"

INSTALLED_KB="$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)"
cat > "$STAGE/DEBIAN/control" <<EOF
Package: $APPID
Version: $VERSION
Architecture: $ARCH
Maintainer: BranchDesk <branchdesk@example.invalid>
Installed-Size: $INSTALLED_KB
Depends: $DEPENDS
Section: utils
Priority: optional
Description: $NAME_ZH (BranchDesk) - offline Party branch records
 Records one Party branch's members, meetings (三会一课), talks and theme days on
 this computer only, checks what the year still owes, prints sign-in sheets and
 exports the yearly Excel ledger for inspection. No network access.
EOF

# md5sums (UOS packages carry it; dpkg-deb does not write it).
(cd "$STAGE" && find . -path ./DEBIAN -prune -o -type f -print0 | sort -z \
   | xargs -0 md5sum | sed 's# \./# #' > DEBIAN/md5sums)

# Files readable by everyone, executables executable; nothing group/world-writable.
# Shared libraries lose the execute bit the wheels give them (dlopen() does not need it; lintian's
# shared-library-is-executable).
chmod -R u=rwX,go=rX "$STAGE"
find "$APPDIR/files" -type f -name '*.so*' -exec chmod 0644 {} +
chmod 0755 "$APPDIR/files/branchdesk"

mkdir -p "$OUT"
SUFFIX=""; [ "$GENERIC" = 1 ] && SUFFIX="-generic"
DEB="$OUT/${APPID}_${VERSION}_${ARCH}${SUFFIX}.deb"
# --root-owner-group: files owned by root in the package whoever builds it (no fakeroot needed).
dpkg-deb --build --root-owner-group "$STAGE" "$DEB" >/dev/null
echo "$DEB"
