# Shared by up.sh, test.sh and .ci/run: make sure PostgreSQL and Redis answer, or say what to do.
PG_URL_ADMIN="${KJ_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres}"

pg_ok() { node -e "const {Client}=require('pg');const c=new Client({connectionString:process.argv[1]});c.connect().then(()=>c.end()).then(()=>process.exit(0),()=>process.exit(1))" "$PG_URL_ADMIN" 2>/dev/null; }
redis_ok() { node -e "const s=require('net').connect(6379,'127.0.0.1');s.on('connect',()=>{s.write('PING\r\n')});s.on('data',d=>process.exit(String(d).startsWith('+PONG')?0:1));s.on('error',()=>process.exit(1));setTimeout(()=>process.exit(1),2000)" 2>/dev/null; }

# Starts the machine's own PostgreSQL/Redis when they are installed but stopped (development machines and CI).
ensure_services() {
  if ! pg_ok; then
    if command -v pg_ctlcluster >/dev/null 2>&1; then
      echo "PostgreSQL is down: starting the local cluster"
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
      for _ in $(seq 1 30); do pg_ok && break; sleep 1; done
    fi
  fi
  if ! redis_ok; then
    if command -v redis-server >/dev/null 2>&1; then
      echo "Redis is down: starting a local one"
      redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
      for _ in $(seq 1 30); do redis_ok && break; sleep 1; done
    fi
  fi
  if ! pg_ok; then
    echo "PostgreSQL is unreachable at $PG_URL_ADMIN." >&2
    echo "Start it (e.g. 'pg_ctlcluster 15 main start', or 'docker compose up -d db'), or point KJ_TEST_PG / KJ_DATABASE_URL at one." >&2
    return 1
  fi
  if ! redis_ok; then
    echo "Redis is unreachable at 127.0.0.1:6379." >&2
    echo "Start it (e.g. 'redis-server --daemonize yes', or 'docker compose up -d redis'), or set KJ_REDIS_URL." >&2
    return 1
  fi
}
