#!/bin/bash
# Takes docs/screenshots/etcd-token.png: discodesk under Xvfb with a 3-member etcd
# cluster formed through it by three REAL etcd processes (Debian's etcd-server), on
# loopback, with the commands the window copies. Needs what take-main-window.sh
# needs, plus etcd and etcdctl. Run from the repository root after building into
# build-ui:
#   xvfb-run -a -s "-screen 0 1280x800x24" docs/screenshots/take-etcd-token.sh
set -e
. "$(dirname "$0")/common.sh"
OUT=$PWD/docs/screenshots/etcd-token.png
WORK=$(mktemp -d)
export HOME=$WORK/home XDG_RUNTIME_DIR=$WORK/xdg
mkdir -p "$HOME" "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"
U=http://127.0.0.1:4011

build-ui/app/discodesk --port 4011 --db "$WORK/db.sqlite" > "$WORK/app.log" 2>&1 &
PIDS=($!)
# Stop the window and every etcd member, also when a step fails.
trap 'kill "${PIDS[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
wait_for_server
RQ=$(create '{"label":"rqlite demo","expected_size":3}')
for port in 4001 4003 4005; do
    curl -s -XPOST $U/$RQ -d "{\"addr\":\"localhost:$port\"}" > /dev/null
done
TOKEN=$(create '{"kind":"etcd","label":"etcd demo","expected_size":3}')
URL=$U/etcd/$TOKEN
sleep 1
# Select the etcd token (the newest ID, in the first row) to watch its members arrive.
xdotool mousemove 150 152 click 1

# The window's "Copy etcd Commands (3 Members)", with the data folders in $HOME.
for i in 1 2 3; do
    etcd --name m$i --data-dir ~/etcd-m$i --listen-client-urls http://127.0.0.1:2379$i \
        --advertise-client-urls http://127.0.0.1:2379$i --listen-peer-urls http://127.0.0.1:2380$i \
        --initial-advertise-peer-urls http://127.0.0.1:2380$i --discovery $URL > "$WORK/etcd-m$i.log" 2>&1 &
    PIDS+=($!)
    sleep 0.7
done
wait_for_etcd_members 3
sleep 0.6
capture "$OUT" 1100x720
