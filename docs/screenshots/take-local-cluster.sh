#!/bin/bash
# Takes docs/screenshots/local-cluster.png: discodesk under Xvfb, a new 3-member etcd
# token, and Start Local Cluster (Ctrl+Shift+L) clicked on it: DiscoDesk starts three
# REAL etcd members (Debian's etcd-server) as its children and the window shows them
# form. Needs what take-main-window.sh needs, plus etcd and etcdctl. Run from the
# repository root after building into build-ui:
#   xvfb-run -a -s "-screen 0 1280x800x24" docs/screenshots/take-local-cluster.sh
set -e
. "$(dirname "$0")/common.sh"
OUT=$PWD/docs/screenshots/local-cluster.png
WORK=$(mktemp -d)
# The members' data goes in DiscoDesk's temporary folder: under $WORK here.
export HOME=$WORK/home XDG_RUNTIME_DIR=$WORK/xdg TMPDIR=$WORK/tmp
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" "$TMPDIR"; chmod 700 "$XDG_RUNTIME_DIR"
U=http://127.0.0.1:4011

build-ui/app/discodesk --port 4011 --db "$WORK/db.sqlite" > "$WORK/app.log" 2>&1 &
APP=$!
# Stop the window; its members get SIGTERM from the kernel as it goes (they are its
# children, told so at their start). Wait for them before removing their folders.
stop() {
    local members
    members=$(pgrep -P "$APP" || true)
    kill "$APP" 2>/dev/null || true
    wait "$APP" 2>/dev/null || true
    for pid in $members; do
        for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    done
    rm -rf "$WORK"
}
trap stop EXIT
wait_for_server
RQ=$(create '{"label":"rqlite demo","expected_size":3}')
for port in 4001 4003 4005; do
    curl -s -XPOST $U/$RQ -d "{\"addr\":\"127.0.0.1:$port\"}" > /dev/null
done
create '{"kind":"etcd","label":"etcd demo","expected_size":3}' > /dev/null
sleep 1
# A little taller than the other screenshots' window: the dock has the members' logs.
xdotool search --onlyvisible --name 'DiscoDesk$' windowsize 1200 800
sleep 0.5
# Select the etcd token (the newest ID, in the first row), then Start Local Cluster.
xdotool mousemove 150 152 click 1
sleep 0.3
xdotool key ctrl+shift+l

# The members serve clients once all three have registered and elected a leader.
wait_for_etcd_members 3
sleep 1.5
capture "$OUT" 1200x800
