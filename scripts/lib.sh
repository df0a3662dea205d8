# Shared helpers for the scripts in this folder; source it, don't run it.

repo_root() { cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd; }

# npm ci in a folder when its node_modules is missing or older than its lock file.
ensure_npm() {
  local dir="$1"
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "Installing npm packages in $dir ..." >&2
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# A loopback port that nothing accepts on now, in 20000-31999 (the caller binds it soon after).
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  echo "no free port" >&2; return 1
}

# The connection string of Azurite's development account: table service on port $1, blob service (the archive) on $2.
azurite_connection_string() {
  echo "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:$1/devstoreaccount1;BlobEndpoint=http://127.0.0.1:$2/devstoreaccount1;"
}

# Starts Azurite on 127.0.0.1 keeping its data in $2: the table service on port $1, the blob service (the archive)
# on $3 and the queue service (which Azurite always starts, unused) on $4; sets AZURITE_PID.
start_azurite() {
  local port="$1" data="$2" blob_port="$3" queue_port="$4" root
  root="$(repo_root)"
  ensure_npm "$root"
  mkdir -p "$data"
  "$root/node_modules/.bin/azurite" --tableHost 127.0.0.1 --tablePort "$port" --blobHost 127.0.0.1 --blobPort "$blob_port" \
    --queueHost 127.0.0.1 --queuePort "$queue_port" --location "$data" \
    --skipApiVersionCheck --disableProductStyleUrl --disableTelemetry --silent >"$data/azurite.log" 2>&1 &
  AZURITE_PID=$!
  for _ in $(seq 1 50); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$blob_port") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "Azurite did not start on port $port; see $data/azurite.log" >&2
  return 1
}

# Stops Azurite gracefully: on SIGINT it writes its data to disk (on SIGTERM, or a kill, its last ~5 s are lost).
stop_azurite() {
  [ -n "${AZURITE_PID:-}" ] || return 0
  kill -INT "$AZURITE_PID" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 "$AZURITE_PID" 2>/dev/null || return 0; sleep 0.1; done
}

# --- for the benchmark scripts (bench-*.sh): each sets $results (a folder) before using these ---------------------------

# The API keys a benchmark gateway is started with (start_bench_gateway).
producer_key=bench-producer-key-0001 agent_key=bench-agent-key-000001 admin_key=bench-admin-key-0000001

# start_bench_gateway LOG [NAME=VALUE...]: a gateway with a co-hosted silo on a free loopback port, with the benchmark
# keys and the settings given; sets gateway_pid, port and url once it answers /healthz.
start_bench_gateway() {
  local log="$1"; shift
  port=$(free_port)
  url="http://127.0.0.1:$port"
  (cd "$(repo_root)/src/ProfileGrid.Gateway" && exec env ASPNETCORE_ENVIRONMENT=Production \
    ProfileGrid__ApiKeys__0__Key="$producer_key" ProfileGrid__ApiKeys__0__Name=bench ProfileGrid__ApiKeys__0__Role=producer \
    ProfileGrid__ApiKeys__1__Key="$agent_key" ProfileGrid__ApiKeys__1__Name=bench-agent ProfileGrid__ApiKeys__1__Role=agent \
    ProfileGrid__ApiKeys__2__Key="$admin_key" ProfileGrid__ApiKeys__2__Name=bench-admin ProfileGrid__ApiKeys__2__Role=admin \
    ProfileGrid__Silo__SiloPort="$(free_port)" ProfileGrid__Silo__GatewayPort="$(free_port)" "$@" \
    dotnet bin/Release/net10.0/ProfileGrid.Gateway.dll --urls "$url") >"$log" 2>&1 &
  gateway_pid=$!
  wait_healthy gateway "$url" "$gateway_pid" "$log" 450
}

# wait_healthy NAME URL PID LOG TRIES: returns once URL/healthz answers (tried every 0.2 s, TRIES times); fails, with the
# log's tail, when the process PID exits first or it never answers.
wait_healthy() {
  local name="$1" base="$2" pid="$3" log="$4" tries="$5"
  for _ in $(seq 1 "$tries"); do
    curl -sf -o /dev/null "$base/healthz" && return 0
    kill -0 "$pid" 2>/dev/null || { echo "the $name exited; its log:" >&2; tail -n 30 "$log" >&2; return 1; }
    sleep 0.2
  done
  echo "the $name did not answer /healthz; see $log" >&2
  return 1
}

# Stops the gateway start_bench_gateway started: TERM, then KILL after 30 s.
stop_gateway() {
  [ -n "${gateway_pid:-}" ] || return 0
  kill -TERM "$gateway_pid" 2>/dev/null || { gateway_pid=""; return 0; }
  for _ in $(seq 1 150); do kill -0 "$gateway_pid" 2>/dev/null || { gateway_pid=""; return 0; }; sleep 0.2; done
  kill -KILL "$gateway_pid" 2>/dev/null || true
  gateway_pid=""
}

# logged COMMAND ARGS...: appends the command to $results/commands.txt for the report (an argument with spaces or a
# semicolon in single quotes; Azurite's account key replaced by a name).
logged() {
  local arg line="$1"; shift
  for arg in "$@"; do case "$arg" in *" "*|*";"*) line+=" '$arg'" ;; *) line+=" $arg" ;; esac; done
  echo "$line" | sed "s/AccountKey=[^;]*;/AccountKey=<Azurite's well-known key>;/" >>"$results/commands.txt"
}

# put_section BEGIN_MARKER END_MARKER SECTION_FILE OUT_FILE: the section, between its markers, replaces the one an
# earlier run wrote into OUT_FILE, or goes at its end.
put_section() {
  local begin="$1" end="$2" section="$3" out="$4"
  touch "$out"
  awk -v begin="$begin" -v end="$end" -v section="$section" '
    function emit() { print begin; while ((getline line < section) > 0) print line; print end; done = 1 }
    $0 == begin { skip = 1; emit(); next }
    $0 == end { skip = 0; next }
    !skip { print }
    END { if (!done) { print ""; emit() } }
  ' "$out" >"$out.tmp"
  mv "$out.tmp" "$out"
}
