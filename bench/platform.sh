# shellcheck shell=bash
# Sourced by the bench scripts that run against a platform of their own:
#   source bench/platform.sh; start_platform <name> [AppHost options...]
# starts the built AppHost (Release) with its data in a new /tmp/<name>.XXXXXX/platform and the gateway, dashboard and
# resource service on free ports (other platforms on this machine may hold the launch profile's 18888-18890), waits
# until it is up, and stops it when the script exits (SIGTERM, then its data folder is removed unless KEEP_BENCH_DATA
# is set; the AppHost's log stays). Sets PLATFORM_WORK, PLATFORM_PORT, PLATFORM_PID and PLATFORM_LOG.
#   platform_chain_url            this platform's anvil (the one whose state file is in its data folder)
#   platform_service_url <name>   a service's own address (its ASPNETCORE_URLS), e.g. TokenAdmin, to bypass the gateway
bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

stop_platform() {
  [ -n "${PLATFORM_PID:-}" ] || return 0
  kill -TERM "$PLATFORM_PID" 2>/dev/null || true
  wait "$PLATFORM_PID" 2>/dev/null || true
  [ -n "${KEEP_BENCH_DATA:-}" ] || rm -rf "$PLATFORM_WORK/platform"
  PLATFORM_PID=""
}

start_platform() {
  local name=$1
  shift
  PLATFORM_WORK=$(mktemp -d "/tmp/$name.XXXXXX")
  chmod 755 "$PLATFORM_WORK"   # PostgreSQL runs as the postgres user and must reach its cluster inside
  PLATFORM_PORT=$(free_port)
  PLATFORM_LOG="$PLATFORM_WORK/apphost.log"
  # What the launch profile "http" sets, on free ports.
  DOTNET_ENVIRONMENT=Development ASPIRE_ALLOW_UNSECURED_TRANSPORT=true \
  ASPNETCORE_URLS="http://127.0.0.1:$(free_port)" \
  ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="http://127.0.0.1:$(free_port)" \
  ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL="http://127.0.0.1:$(free_port)" \
    dotnet "$bench_root/Tokenizer.AppHost/bin/Release/net10.0/Tokenizer.AppHost.dll" \
      --data-dir "$PLATFORM_WORK/platform" --gateway-port "$PLATFORM_PORT" "$@" >"$PLATFORM_LOG" 2>&1 &
  PLATFORM_PID=$!
  # SIGTERM, not SIGINT: a background job of a script starts with SIGINT ignored, and .NET keeps it ignored.
  trap stop_platform EXIT

  echo "platform: starting in $PLATFORM_WORK, gateway port $PLATFORM_PORT" >&2
  for _ in $(seq 1 900); do
    grep -qs "Tokenizer is up" "$PLATFORM_LOG" && return 0
    kill -0 "$PLATFORM_PID" 2>/dev/null || { echo "the AppHost exited; its log:" >&2; head -40 "$PLATFORM_LOG" >&2; exit 1; }
    sleep 1
  done
  echo "the platform did not come up in 15 minutes" >&2
  exit 1
}

platform_chain_url() {
  local candidate args
  for candidate in $(pgrep -x anvil || true); do
    args=$(tr '\0' ' ' <"/proc/$candidate/cmdline" 2>/dev/null || true)
    case "$args" in
      *"$PLATFORM_WORK/platform"*) echo "http://127.0.0.1:$(sed -n 's/.*--port \([0-9]*\).*/\1/p' <<<"$args")"; return 0 ;;
    esac
  done
  echo "this platform's anvil was not found" >&2
  return 1
}

platform_service_url() {
  local binary="$bench_root/services/$1/bin/Release/net10.0/Tokenizer.$1" candidate url
  for candidate in $(pgrep -f "^$binary" || true); do
    # This platform's process: its ASPNETCORE_URLS, read from its environment (nothing secret is printed).
    url=$(tr '\0' '\n' <"/proc/$candidate/environ" 2>/dev/null | sed -n 's/^ASPNETCORE_URLS=\([^;]*\).*/\1/p')
    [ -n "$url" ] && { echo "$url"; return 0; }
  done
  echo "$1's process was not found" >&2
  return 1
}
