#!/bin/bash
# The image's HEALTHCHECK: GET /__edge/ready (the runtime's readiness: serving, KV store answering) on the
# server's own port, answered 200 -> healthy.
# bash is Essential in every Debian image, and its /dev/tcp does the HTTP/1.1 request, so the
# image needs no curl/wget package (no extra size, no extra tool for an intruder) and no fork
# besides this script. PORT and HOST are the server's own variables, so it follows overrides.
port=${PORT:-8000}
case ${HOST:-0.0.0.0} in
  0.0.0.0 | :: | "[::]" | "") host=127.0.0.1 ;;
  *) host=$HOST ;;
esac
exec 3<>"/dev/tcp/$host/$port" || exit 1
printf 'GET /__edge/ready HTTP/1.1\r\nHost: localhost\r\nUser-Agent: edge-healthcheck\r\nConnection: close\r\n\r\n' >&3
IFS= read -r -t "${HEALTHCHECK_READ_TIMEOUT:-3}" status <&3 || exit 1
case $status in
  "HTTP/1."?" 200"*) exit 0 ;;
  *) echo "unhealthy: ${status%$'\r'}" >&2; exit 1 ;;
esac
