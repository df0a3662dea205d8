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
