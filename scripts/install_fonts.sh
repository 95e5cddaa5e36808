#!/usr/bin/env bash
# Install the open CJK/Latin substitute fonts used to render .docx previews (docs/layout.md §7).
#
# Idempotent; run as root on Debian 12. Installs the Debian font packages, then extracts only the
# four Fandol *-Regular.otf files from the texlive-lang-chinese .deb (the -Bold files report OS/2
# weight 400 and fontconfig may pick them for a regular request) into /usr/local/share/fonts/fandol/.
# Retries while another process holds the dpkg/apt lock.
set -euo pipefail

PACKAGES=(fonts-noto-cjk fonts-noto-cjk-extra fonts-liberation2
          fonts-arphic-ukai fonts-arphic-uming fonts-arphic-gkai00mp fonts-arphic-gbsn00lp)
FANDOL_DIR=/usr/local/share/fonts/fandol
FANDOL_FILES=(FandolFang-Regular.otf FandolKai-Regular.otf FandolHei-Regular.otf FandolSong-Regular.otf)

if [[ $(id -u) -ne 0 ]]; then
    echo "install_fonts.sh: run as root" >&2
    exit 1
fi

# Run an apt command, waiting for the dpkg lock (another apt-get may be running) up to ~10 minutes.
apt_retry() {
    local attempt
    for attempt in $(seq 1 60); do
        if DEBIAN_FRONTEND=noninteractive "$@"; then
            return 0
        fi
        echo "install_fonts.sh: '$*' failed (attempt $attempt), lock busy? retrying in 10 s" >&2
        sleep 10
    done
    return 1
}

missing=()
for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    apt_retry apt-get update
    apt_retry apt-get install -y --no-install-recommends "${missing[@]}"
fi

have_all=1
for f in "${FANDOL_FILES[@]}"; do
    [[ -s "$FANDOL_DIR/$f" ]] || have_all=0
done
if ((have_all == 0)); then
    tmp=$(mktemp -d)
    chmod 0755 "$tmp"  # lets apt-get download drop privileges to _apt
    trap 'rm -rf "$tmp"' EXIT
    # apt-get download writes into the current directory and needs no lock on dpkg.
    (cd "$tmp" && { apt-get download texlive-lang-chinese || { apt_retry apt-get update && apt-get download texlive-lang-chinese; }; })
    dpkg-deb -x "$tmp"/texlive-lang-chinese_*.deb "$tmp/root"
    mkdir -p "$FANDOL_DIR"
    for f in "${FANDOL_FILES[@]}"; do
        src=$(find "$tmp/root" -name "$f" -print -quit)
        if [[ -z "$src" ]]; then
            echo "install_fonts.sh: $f not found in texlive-lang-chinese" >&2
            exit 1
        fi
        install -m 0644 "$src" "$FANDOL_DIR/$f"
    done
fi

fc-cache -f >/dev/null
echo "install_fonts.sh: fonts ready"
fc-list : family | grep -E "^Fandol" | sort -u
