#!/bin/sh
# Install Issue Ledger for the current user (no root needed), from the unpacked tarball:
#     ./install.sh            install into ~/.local
#     ./install.sh --remove   remove it again (your databases and settings stay)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
PREFIX="${PREFIX:-$HOME/.local}"
ID=io.github.issueledger.IssueLedger
APPDIR="$PREFIX/lib/issue-ledger"

if [ "${1:-}" = "--remove" ]; then
    rm -rf "$APPDIR" "$PREFIX/bin/issue-ledger" "$PREFIX/share/applications/$ID.desktop" \
        "$PREFIX/share/metainfo/$ID.metainfo.xml" "$PREFIX/share/icons/hicolor/scalable/apps/$ID.svg"
    for size in 16 24 32 48 64 128 256 512; do
        rm -f "$PREFIX/share/icons/hicolor/${size}x${size}/apps/$ID.png"
    done
    echo "Issue Ledger removed from $PREFIX"
    exit 0
fi

rm -rf "$APPDIR"
mkdir -p "$APPDIR" "$PREFIX/bin" "$PREFIX/share/applications" "$PREFIX/share/metainfo" \
    "$PREFIX/share/icons/hicolor/scalable/apps"
cp -a "$HERE/issue-ledger/." "$APPDIR/"
ln -sf "$APPDIR/issue-ledger" "$PREFIX/bin/issue-ledger"
sed "s|^Exec=issue-ledger|Exec=$APPDIR/issue-ledger|; s|^TryExec=issue-ledger|TryExec=$APPDIR/issue-ledger|" \
    "$HERE/$ID.desktop" > "$PREFIX/share/applications/$ID.desktop"
cp "$HERE/$ID.metainfo.xml" "$PREFIX/share/metainfo/"
cp "$HERE/icons/issue-ledger.svg" "$PREFIX/share/icons/hicolor/scalable/apps/$ID.svg"
for size in 16 24 32 48 64 128 256 512; do
    mkdir -p "$PREFIX/share/icons/hicolor/${size}x${size}/apps"
    cp "$HERE/icons/issue-ledger-$size.png" "$PREFIX/share/icons/hicolor/${size}x${size}/apps/$ID.png"
done
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$PREFIX/share/applications" || true
echo "Issue Ledger installed: run 'issue-ledger' or find it in your applications menu"
