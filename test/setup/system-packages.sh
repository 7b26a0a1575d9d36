#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, when missing: Debian's Chromium (the browser tests drive it),
# a font with Chinese characters (test/browser/scripts.test.ts lays out and screenshots a Chinese transcript),
# and PostgreSQL, Redis and nginx (the scale-out tests start throwaway servers of each on loopback, see
# test/setup/postgres.ts), and ffmpeg (test/setup/media.ts encodes real recordings with it).
set -euo pipefail
missing=()
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ]; }
have chromium || missing+=(chromium)
{ have fc-list && fc-list :lang=zh family | grep -q .; } || missing+=(fonts-wqy-microhei)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
have redis-server || missing+=(redis-server)
have nginx || missing+=(nginx)
have ffmpeg || missing+=(ffmpeg)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "The tests need these Debian packages: ${missing[*]}. Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}" >&2
apt-get update -qq
# The tests start their own servers in temporary directories: keep the packages' services from starting here.
policy=/usr/sbin/policy-rc.d
added_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  added_policy=1
fi
trap 'if [ "$added_policy" -eq 1 ]; then rm -f "$policy"; fi' EXIT
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
