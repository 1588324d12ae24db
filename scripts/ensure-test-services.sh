#!/usr/bin/env bash
# Make sure what the test suite talks to is installed and running on this machine:
# PostgreSQL at 127.0.0.1:5432 (the store tests), Redis at 127.0.0.1:6379 (the job broker
# tests), LibreOffice and poppler (the minutes export tests open DOCX/ODT in LibreOffice and
# read the PDF back), a CJK font, and Debian's chromium (the console's browser tests drive it
# with Playwright; no browser is downloaded).
set -euo pipefail

need_packages=()
command -v soffice >/dev/null 2>&1 || need_packages+=(libreoffice-writer-nogui)
command -v pdftotext >/dev/null 2>&1 || need_packages+=(poppler-utils)
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || need_packages+=(fonts-noto-cjk)
command -v chromium >/dev/null 2>&1 || need_packages+=(chromium)
command -v redis-server >/dev/null 2>&1 || need_packages+=(redis-server)  # no -q: with pipefail, an early exit fails the pipe
if [ "${#need_packages[@]}" -gt 0 ]; then
    echo "Installing ${need_packages[*]} (Debian packages the tests need)…"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_packages[@]}" >/dev/null
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    cluster_version="$(ls /etc/postgresql 2>/dev/null | head -n1 || true)"
    if [ -n "$cluster_version" ]; then
        pg_ctlcluster --skip-systemctl-redirect "$cluster_version" main start || true
    fi
    for _ in $(seq 1 30); do
        pg_isready -q -h 127.0.0.1 -p 5432 && break
        sleep 1
    done
fi
pg_isready -h 127.0.0.1 -p 5432 >/dev/null || {
    echo "PostgreSQL is not answering on 127.0.0.1:5432; the store tests need it." >&2
    exit 1
}

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
        --dir /tmp --logfile /tmp/yishi-redis.log || true
    for _ in $(seq 1 20); do
        redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break
        sleep 0.5
    done
fi
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null || {
    echo "Redis is not answering on 127.0.0.1:6379; the job broker tests need it." >&2
    exit 1
}
