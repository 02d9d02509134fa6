#!/bin/sh
# Install what building and testing dangjian needs, idempotently: Debian packages that
# are missing (apt runs only when something is), then the npm test tools (playwright-core
# drives the Debian chromium; it never downloads a browser). POSIX sh; root or sudo.
# clang + libclang-rt-dev (libclang_rt.fuzzer, ASan/UBSan runtimes) build `make fuzz`.
set -eu

cd "$(dirname "$0")/.."

PACKAGES="build-essential pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev sqlite3
libpq-dev postgresql-15 libsodium-dev libcsv-dev libzip-dev libexpat1-dev libxlsxwriter-dev
libcairo2-dev libpango1.0-dev libqrencode-dev libcmocka-dev wrk curl chromium nodejs npm
fonts-noto-cjk clang libclang-rt-dev"

is_installed() {
	case $1 in
	# node may come from elsewhere than Debian (NodeSource bundles npm, and Debian's npm
	# package conflicts with it): a working command is enough
	nodejs) command -v node >/dev/null 2>&1 && return 0 ;;
	npm) command -v npm >/dev/null 2>&1 && return 0 ;;
	esac
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

missing=
for p in $PACKAGES; do
	if ! is_installed "$p"; then
		missing="$missing $p"
	fi
done

if [ -n "$missing" ]; then
	echo "install-deps: installing$missing"
	if [ "$(id -u)" = 0 ]; then
		SUDO=
	elif command -v sudo >/dev/null 2>&1; then
		SUDO=sudo
	else
		echo "install-deps: not root and no sudo; install these packages:$missing" >&2
		exit 1
	fi
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
	# shellcheck disable=SC2086 # word splitting of the package list is intended
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
else
	echo "install-deps: Debian packages present"
fi

if [ -f package.json ] && [ ! -d node_modules/playwright-core ]; then
	echo "install-deps: npm install (playwright-core)"
	if [ -f package-lock.json ]; then
		npm ci --no-audit --no-fund
	else
		npm install --no-audit --no-fund
	fi
fi
