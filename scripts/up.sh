#!/usr/bin/env bash
# The main command (README): install, build, prepare the database with the reference network and demo logins,
# then run the hub (API, sockets and screens on one port) with the simulator driving a live network.
# Runs until Ctrl-C, for days if left so (each day's trips are loaded ahead); running it again continues where it
# left off (migrations and seed are idempotent, the simulator resumes from its checkpoint).
set -euo pipefail
cd "$(dirname "$0")/.."
export ONNXRUNTIME_NODE_INSTALL=skip NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
PORT="${KJ_HTTP_PORT:-3000}"
DB_NAME="${KJ_DB_NAME:-kanjian}"
export KJ_DATABASE_URL="${KJ_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/$DB_NAME}"
export KJ_HTTP_PORT="$PORT"
SCALE="${KJ_DEMO_SCALE:-1}"
SEED="${KJ_DEMO_SEED:-42}"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== installing dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi
source scripts/lib.sh
ensure_services || exit 1

echo "== building"
mkdir -p data
npx nx run-many -t build --outputStyle=static > data/build.log 2>&1 || { echo "build failed; the end of data/build.log:" >&2; tail -40 data/build.log >&2; exit 1; }

# Create the database if it is missing (the URL names it; the server itself never creates databases).
node -e "
const {Client}=require('pg');const u=new URL(process.argv[1]);const db=u.pathname.slice(1);u.pathname='/postgres';
const c=new Client({connectionString:u.toString()});
c.connect().then(()=>c.query('SELECT 1 FROM pg_database WHERE datname=\$1',[db])).then(r=>r.rowCount?null:c.query('CREATE DATABASE \"'+db+'\"')).then(()=>c.end()).catch(e=>{console.error('cannot create database '+db+': '+e.message);process.exit(1)})" "$KJ_DATABASE_URL"

CLI="node server/dist/cli/main.js"
$CLI migrate
if [ ! -s data/simulator.token ]; then $CLI create-token --name simulator --scope all > data/simulator.token; fi

pids=()
stopped=0
interrupted=0
cleanup() {
  [ "$stopped" = 1 ] && return
  stopped=1
  echo; echo "== stopping (the hub drains its buffer first)"
  # A terminal's Ctrl-C already reached every child: give them a moment to finish on their own, since a second
  # signal makes the simulator exit without waiting for its uploads in flight.
  if [ "$interrupted" = 1 ]; then
    for _ in $(seq 1 50); do
      alive=0
      for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
      [ "$alive" = 0 ] && break
      sleep 0.2
    done
  fi
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap cleanup EXIT
trap 'interrupted=1; exit 130' INT
trap 'exit 143' TERM

# The reference network with the trips of yesterday to the day after tomorrow (UTC+8); the seeder then stays up
# and loads each new day's trips two days ahead as the days go by, so a demo left running keeps its trucks moving
# (the simulator fetches the network again every 10 minutes). Loading is idempotent.
$CLI seed --seed "$SEED" --scale "$SCALE" --ahead 2 --demo-users --follow > data/seed.log 2>&1 &
seeder=$!
pids+=($seeder)
until grep -q '^following the clock' data/seed.log 2>/dev/null; do
  kill -0 "$seeder" 2>/dev/null || { echo "seeding failed; data/seed.log:" >&2; cat data/seed.log >&2; exit 1; }
  sleep 0.5
done

node server/dist/main.js > data/hub.log 2>&1 &
hub=$!
pids+=($hub)
for _ in $(seq 1 90); do
  curl -fs "http://127.0.0.1:$PORT/api/health" >/dev/null 2>&1 && break
  kill -0 "$hub" 2>/dev/null || break
  sleep 1
done
curl -fs "http://127.0.0.1:$PORT/api/health" >/dev/null 2>&1 || { echo "hub did not start; the end of data/hub.log:" >&2; tail -20 data/hub.log >&2; exit 1; }

if [ -f simulator/dist/main.js ]; then
  node simulator/dist/main.js --hub "http://127.0.0.1:$PORT" --token "$(cat data/simulator.token)" --seed "$SEED" --scale "$SCALE" --storyline > data/simulator.log 2>&1 &
  pids+=($!)
fi

cat <<TXT

  Kanjian is running.
    Screens      http://localhost:$PORT/            (kiosk: add ?kiosk=1)
    API          http://localhost:$PORT/api/openapi.json
    Health       http://localhost:$PORT/api/health      Metrics: http://localhost:$PORT/metrics
    Logs         data/hub.log, data/simulator.log, data/seed.log (trips loaded ahead)

  Demo logins (password: kanjian)
    hq        HQ command center (every region)
    region    a regional manager (one region)        region2  another region's manager
    site      a hub's site manager                   floor    one sorting floor's display

  Ctrl-C stops everything; run 'npm run up' again to continue.
TXT
wait -n "${pids[@]}"
