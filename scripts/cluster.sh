#!/usr/bin/env bash
# The production topology on one machine, without Docker, on 127.0.0.1 against the local
# PostgreSQL and Redis: pages served by one gunicorn master with WORKERS WSGI worker
# processes, live threads (/ws/) by SOCKET_WORKERS separate uvicorn processes, nginx in
# front on $PORT. nginx serves /static/ (collected, hashed and precompressed) itself, sends
# /ws/ round-robin to the uvicorn processes and everything else to gunicorn. A second nginx
# server on $ASGI_PORT sends everything, pages included, to the uvicorn processes: the
# all-ASGI topology, kept only so that the benchmark can compare the two on the same
# processes. Ctrl-C (or SIGTERM) stops every process this script started.
#
#   make cluster                      # http://127.0.0.1:8100/
#   PORT=8200 WORKERS=3 SOCKET_WORKERS=3 scripts/cluster.sh
#
# Environment: DATABASE_URL, REDIS_URL (default: the local `exchange` database and Redis
# db 0); PORT (8100): nginx; ASGI_PORT (PORT+10): nginx, everything to uvicorn; WORKERS (2):
# gunicorn worker processes, gunicorn on PORT+1; WEB_WORKER_CLASS (gthread, with WEB_THREADS
# threads a worker, default 4; or sync); SOCKET_WORKERS (2): uvicorn processes on PORT+2, …;
# CLUSTER_DIR (var/cluster): logs, pid files (web.pid, socket-N.pid, nginx.pid), the nginx
# configuration, and `ready` once everything answers; SKIP_MIGRATE=1 to leave the schema
# alone. Everything else (SECRET_KEY, ALLOWED_HOSTS, …) is passed through to the app as
# documented in README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-8100}
ASGI_PORT=${ASGI_PORT:-$((PORT + 10))}
WORKERS=${WORKERS:-2}
WEB_WORKER_CLASS=${WEB_WORKER_CLASS:-gthread}
WEB_THREADS=${WEB_THREADS:-4}
SOCKET_WORKERS=${SOCKET_WORKERS:-2}
CLUSTER_DIR=$(realpath -m "${CLUSTER_DIR:-var/cluster}")
PYTHON=${PYTHON:-.venv/bin/python}
BIN=$(dirname "$PYTHON")
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}

export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/exchange}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
export SECRET_KEY=${SECRET_KEY:-cluster-on-one-machine-not-for-the-internet}
export STATIC_ROOT=${STATIC_ROOT:-$CLUSTER_DIR/static}
export VAR_DIR=${VAR_DIR:-$CLUSTER_DIR/var}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
export LOG_LEVEL=${LOG_LEVEL:-WARNING}
# Behind nginx: trust its X-Forwarded-Proto (the app) and its address (gunicorn, uvicorn).
export BEHIND_PROXY=1
unset PLAIN_STATIC_STORAGE DEBUG

if [ ! -x "$NGINX" ]; then
  echo "nginx is needed: make bench-tools (Debian's nginx-light)" >&2
  exit 1
fi
case "$WEB_WORKER_CLASS" in sync | gthread) ;; *) echo "WEB_WORKER_CLASS is sync or gthread" >&2; exit 1 ;; esac
web_port=$((PORT + 1))
last_socket_port=$((PORT + 1 + SOCKET_WORKERS))
if [ "$WORKERS" -lt 1 ] || [ "$SOCKET_WORKERS" -lt 1 ]; then
  echo "WORKERS and SOCKET_WORKERS are at least 1" >&2
  exit 1
fi
if [ "$ASGI_PORT" -ge "$PORT" ] && [ "$ASGI_PORT" -le "$last_socket_port" ]; then
  echo "ASGI_PORT $ASGI_PORT falls among the workers' ports $PORT-$last_socket_port" >&2
  exit 1
fi
# A server already answering on one of the ports would pass the health checks below.
for port in "$PORT" "$ASGI_PORT" $(seq "$web_port" "$last_socket_port"); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is in use; choose another PORT (or ASGI_PORT)" >&2
    exit 1
  fi
done
# A thousand sockets need more than the usual 1,024 open files.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

mkdir -p "$CLUSTER_DIR/nginx/logs" "$VAR_DIR" "$STATIC_ROOT"
# Nothing left from an earlier run may pass for this one's.
rm -f "$CLUSTER_DIR/ready" "$CLUSTER_DIR"/*.pid
pids=()
stop() {
  trap - INT TERM EXIT
  rm -f "$CLUSTER_DIR/ready"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "== static files into $STATIC_ROOT (hashed and compressed)"
"$PYTHON" manage.py collectstatic --noinput -v0
if [ "${SKIP_MIGRATE:-0}" != 1 ]; then
  echo "== migrations (once, before any worker starts)"
  "$PYTHON" manage.py migrate --noinput -v0
fi

# Pages: one gunicorn master, which restarts a worker that dies. Its control socket would be
# one per user ($HOME/.gunicorn), shared by every cluster on the machine: off.
web_options=(--workers "$WORKERS" --worker-class "$WEB_WORKER_CLASS")
[ "$WEB_WORKER_CLASS" = gthread ] && web_options+=(--threads "$WEB_THREADS")
"$BIN/gunicorn" forum.wsgi:application --bind "127.0.0.1:$web_port" "${web_options[@]}" \
  --forwarded-allow-ips 127.0.0.1 --keep-alive 5 --graceful-timeout 3 \
  --no-control-socket --error-logfile "$CLUSTER_DIR/web.log" --log-level warning \
  >>"$CLUSTER_DIR/web.log" 2>&1 &
pids+=($!)
echo "$!" >"$CLUSTER_DIR/web.pid"

# Sockets: separate uvicorn processes rather than one with --workers, so that each has a pid
# of its own and nginx spreads connections evenly and deterministically over them (the
# two-process fan-out measurement needs both).
socket_upstreams=""
for i in $(seq 1 "$SOCKET_WORKERS"); do
  port=$((PORT + 1 + i))
  "$BIN/uvicorn" forum.asgi:application --host 127.0.0.1 --port "$port" \
    --lifespan off --proxy-headers --forwarded-allow-ips 127.0.0.1 --no-access-log \
    >"$CLUSTER_DIR/socket-$i.log" 2>&1 &
  pids+=($!)
  echo "$!" >"$CLUSTER_DIR/socket-$i.pid"
  socket_upstreams+="        server 127.0.0.1:$port;"$'\n'
done

# nginx as a foreground process of this script, its files under $CLUSTER_DIR/nginx. Started
# as root, its worker drops to nobody, who may read the collected static files.
user_line=""
[ "$(id -u)" = 0 ] && user_line="user nobody nogroup;"
cat >"$CLUSTER_DIR/nginx/nginx.conf" <<EOF
# Generated by scripts/cluster.sh; edit the script, not this file.
$user_line
worker_processes 1;
daemon off;
pid $CLUSTER_DIR/nginx/nginx.pid;
error_log $CLUSTER_DIR/nginx/logs/error.log warn;
events { worker_connections 8192; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path $CLUSTER_DIR/nginx/client_body;
    proxy_temp_path $CLUSTER_DIR/nginx/proxy;
    fastcgi_temp_path $CLUSTER_DIR/nginx/fastcgi;
    uwsgi_temp_path $CLUSTER_DIR/nginx/uwsgi;
    scgi_temp_path $CLUSTER_DIR/nginx/scgi;
    sendfile on;
    client_max_body_size 12m;
    # Upgrade for WebSockets; otherwise an empty Connection header keeps upstream
    # connections alive between requests.
    map \$http_upgrade \$connection_upgrade { default upgrade; '' ''; }
    # Below gunicorn's and uvicorn's own 5 s: otherwise nginx may reuse a connection the
    # worker has just closed ("upstream prematurely closed connection").
    upstream exchange_pages {
        server 127.0.0.1:$web_port;
        keepalive 64;
        keepalive_timeout 4s;
    }
    upstream exchange_sockets {
$socket_upstreams        keepalive 64;
        keepalive_timeout 4s;
    }
    # The production topology: pages on gunicorn, live threads on uvicorn.
    server {
        listen 127.0.0.1:$PORT;
        location /static/ {
            alias $STATIC_ROOT/;
            gzip_static on;
            expires max;
            add_header Cache-Control "public, immutable";
        }
        location /ws/ {
            proxy_pass http://exchange_sockets;
            proxy_http_version 1.1;
            proxy_set_header Host \$http_host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection \$connection_upgrade;
            proxy_read_timeout 1h;
            proxy_send_timeout 1h;
        }
        location / {
            proxy_pass http://exchange_pages;
            proxy_http_version 1.1;
            proxy_set_header Host \$http_host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header Connection "";
        }
    }
    # The all-ASGI topology, for comparison only: everything to uvicorn.
    server {
        listen 127.0.0.1:$ASGI_PORT;
        location /static/ {
            alias $STATIC_ROOT/;
            gzip_static on;
            expires max;
            add_header Cache-Control "public, immutable";
        }
        location / {
            proxy_pass http://exchange_sockets;
            proxy_http_version 1.1;
            proxy_set_header Host \$http_host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection \$connection_upgrade;
            proxy_read_timeout 1h;
            proxy_send_timeout 1h;
        }
    }
}
EOF
"$NGINX" -p "$CLUSTER_DIR/nginx" -c "$CLUSTER_DIR/nginx/nginx.conf" -e "$CLUSTER_DIR/nginx/logs/error.log" &
pids+=($!)
echo "$!" >"$CLUSTER_DIR/nginx.pid"

url="http://127.0.0.1:$PORT"
for _ in $(seq 1 120); do
  for pid in "${pids[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "a process exited early; see $CLUSTER_DIR/*.log and $CLUSTER_DIR/nginx/logs" >&2
      exit 1
    fi
  done
  healthy=1
  for i in $(seq 1 "$SOCKET_WORKERS"); do
    curl -fsS -o /dev/null "http://127.0.0.1:$((PORT + 1 + i))/healthz" 2>/dev/null || healthy=0
  done
  for front in "$url" "http://127.0.0.1:$ASGI_PORT"; do
    curl -fsS -o /dev/null "$front/healthz" 2>/dev/null || healthy=0
  done
  if [ "$healthy" = 1 ]; then
    echo "== serving on $url/: nginx in front of gunicorn ($WORKERS $WEB_WORKER_CLASS workers, port $web_port) and $SOCKET_WORKERS uvicorn processes for /ws/ (ports $((web_port + 1))-$last_socket_port); everything on uvicorn, for comparison: http://127.0.0.1:$ASGI_PORT/. Ctrl-C stops it."
    echo "READY $url" >"$CLUSTER_DIR/ready"
    # gunicorn restarts a worker that dies by itself; the master, a uvicorn process or
    # nginx exiting ends the cluster.
    wait -n "${pids[@]}" || true
    echo "a process of the cluster exited; stopping the rest" >&2
    exit 1
  fi
  sleep 0.5
done
echo "the cluster did not become healthy within 60 s; see $CLUSTER_DIR/*.log" >&2
exit 1
