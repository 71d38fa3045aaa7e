#!/usr/bin/env bash
# Install the system packages Minsheng needs when they are missing: gettext (to compile the
# translations), Pango and CJK fonts (PDF reports through WeasyPrint) for everything;
# PostgreSQL, Chromium, poppler-utils (PDF text and page images) and a Java runtime (Spark in
# local mode) for the tests.
#   scripts/system-deps.sh                          # all of them (make test)
#   scripts/system-deps.sh gettext pango fonts-noto-cjk   # what `make demo` needs
# Needs root or sudo; a second run finds them and does nothing.
set -euo pipefail
wanted=${*:-gettext pango fonts-noto-cjk postgresql chromium poppler-utils java}
missing=()
for package in $wanted; do
  case $package in
    postgresql) ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql) ;;
    chromium) [ -x /usr/bin/chromium ] || missing+=(chromium) ;;
    # grep without -q reads to the end: with -q, fc-list could die of SIGPIPE and pipefail
    # would call the fonts missing.
    fonts-noto-cjk) fc-list 2>/dev/null | grep "Noto Sans CJK" >/dev/null || missing+=(fonts-noto-cjk fontconfig) ;;
    gettext) command -v msgfmt >/dev/null 2>&1 || missing+=(gettext) ;;
    pango) ldconfig -p 2>/dev/null | grep "libpangoft2-1.0" >/dev/null || missing+=(libpango-1.0-0 libpangoft2-1.0-0) ;;
    java) command -v java >/dev/null 2>&1 || missing+=(default-jre-headless) ;;
    poppler-utils) command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils) ;;
    *) echo "system-deps: unknown package $package" >&2; exit 2 ;;
  esac
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "system-deps: installing ${missing[*]} (apt-get)"
if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
  echo "system-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
