#!/bin/bash
# Takes docs/screenshots/main-window.png: discodesk under Xvfb with a live 3-node
# cluster registered over HTTP. Needs xvfb, curl, xdotool, x11-apps (xwd) and
# imagemagick. Run from the repository root after building into build-ui:
#   xvfb-run -a -s "-screen 0 1280x800x24" docs/screenshots/take-main-window.sh
set -e
OUT=$PWD/docs/screenshots/main-window.png
WORK=$(mktemp -d)
export HOME=$WORK/home XDG_RUNTIME_DIR=$WORK/xdg
mkdir -p "$HOME" "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"
U=http://127.0.0.1:4011

build-ui/app/discodesk --port 4011 --db "$WORK/db.sqlite" > "$WORK/app.log" 2>&1 &
APP=$!
trap 'kill $APP 2>/dev/null; rm -rf "$WORK"' EXIT
for i in $(seq 50); do curl -s $U/healthz > /dev/null && break; sleep 0.2; done

create() { curl -s -XPOST $U/api/v1/ids -d "$1" | python3 -c 'import sys, json; print(json.load(sys.stdin)["id"])'; }
OLD=$(create '{"label":"staging (last week)","expected_size":3}')
curl -s -XPOST $U/$OLD -d '{"addr":"10.0.0.4:4001"}' > /dev/null
create '{"label":"scratch"}' > /dev/null
ID=$(create '{"label":"demo cluster","expected_size":3}')
sleep 2
# Three rqlite nodes register as rqlited 6 does (with its odd Content-Type); node 1 restarts.
for port in 4001 4003 4005; do
    curl -s -XPOST $U/$ID -H 'Content-Type: application-type/json' -d "{\"addr\":\"localhost:$port\"}" > /dev/null
    sleep 0.4
done
curl -s -XPOST $U/$ID -d '{"addr":"localhost:4001"}' > /dev/null
curl -s $U/$ID > /dev/null
curl -s $U/does-not-exist > /dev/null
sleep 0.6
# Select the demo cluster (the newest ID, in the first row) to show its nodes.
xdotool mousemove 150 152 click 1
sleep 0.3
xdotool mousemove 1200 780
sleep 0.5
xwd -root -silent > "$WORK/root.xwd"
convert "$WORK/root.xwd" -crop 1100x720+0+0 +repage "$OUT"
echo "wrote $OUT"
