#!/bin/bash
# Takes docs/screenshots/cluster-picture.png: discodesk under Xvfb with its Cluster
# Picture beside the tables. A 3-node rqlite ID forms live over HTTP while it is
# selected (as rqlited 6 registers; one node restarts, a fourth comes and is removed),
# and an over-full etcd token (size 3, four members as etcd registers them) is shown
# on the right, its picture cropped from a second capture. Needs what
# take-main-window.sh needs, with ImageMagick's import instead of xwd (first in PATH:
# /usr/bin). Run from the repository root after building into build-ui (or set
# DISCODESK to the program):
#   xvfb-run -a -s "-screen 0 1280x800x24" docs/screenshots/take-cluster-picture.sh
set -e
OUT=$PWD/docs/screenshots/cluster-picture.png
APP_PATH=${DISCODESK:-build-ui/app/discodesk}
WORK=$(mktemp -d)
export HOME=$WORK/home XDG_RUNTIME_DIR=$WORK/xdg
mkdir -p "$HOME" "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"
U=http://127.0.0.1:4011

"$APP_PATH" --port 4011 --db "$WORK/db.sqlite" > "$WORK/app.log" 2>&1 &
APP=$!
trap 'kill $APP 2>/dev/null; rm -rf "$WORK"' EXIT
for i in $(seq 50); do curl -s $U/healthz > /dev/null && break; sleep 0.2; done

# The etcd token, first: four members as etcd 3.4 registers them; the fourth found
# the token full (etcd makes it a proxy).
TOKEN_URL=$(curl -s "$U/new?size=3")
for i in 1 2 3 4; do
    curl -s -XPUT "$TOKEN_URL/$(printf '%016x' $((0x7044d85b7e4db590 + i)))?prevExist=false" \
        --data-urlencode "value=infra$i=http://10.0.0.$i:2380" > /dev/null
    sleep 0.3
done
create() { curl -s -XPOST $U/api/v1/ids -d "$1" | python3 -c 'import sys, json; print(json.load(sys.stdin)["id"])'; }
ID=$(create '{"label":"demo cluster","expected_size":3}')
# A little wider than its first size, so the IDs table keeps its labels beside the picture.
xdotool search --sync --onlyvisible --name 'DiscoDesk' windowsize 1200 740
sleep 1
# Select the demo cluster (the newest ID, in the first row) before its nodes come.
xdotool mousemove 300 152 click 1
sleep 0.5
# Three rqlite nodes register as rqlited 6 does (with its odd Content-Type), the first
# alone so it bootstraps; node 1 restarts; a fourth joins and is removed again.
for port in 4001 4003 4005; do
    curl -s -XPOST $U/$ID -H 'Content-Type: application-type/json' -d "{\"addr\":\"localhost:$port\"}" > /dev/null
    sleep 0.6
done
curl -s -XPOST $U/$ID -d '{"addr":"localhost:4007"}' > /dev/null
sleep 0.5
curl -s -XPOST $U/$ID -d '{"addr":"localhost:4001"}' > /dev/null
sleep 0.4
curl -s -XDELETE $U/$ID -H 'Content-Type: application/json' -d '{"addr":"localhost:4007"}' > /dev/null
sleep 0.6
xdotool mousemove 1200 780
sleep 0.5
import -window root "$WORK/rqlite.png"

# The etcd token's row (the second) selected: its picture, beside the first capture.
xdotool mousemove 300 176 click 1
sleep 0.6
xdotool mousemove 1200 780
sleep 0.5
import -window root "$WORK/etcd-full.png"

convert "$WORK/rqlite.png" -crop 1200x740+0+0 +repage "$WORK/window.png"
# The etcd token's Cluster Picture dock (x 858 to the window's edge, from under the
# toolbar to above the status bar), under a line that says what it is, to the right
# of the window.
convert "$WORK/etcd-full.png" -crop 342x660+858+54 +repage -background '#efefef' -extent 342x686 \
    "$WORK/etcd-dock.png"
convert -size 342x54 xc:'#efefef' -fill '#303030' -pointsize 13 -gravity center \
    -annotate +0+0 'The over-full etcd token, selected' "$WORK/etcd-title.png"
convert "$WORK/etcd-title.png" "$WORK/etcd-dock.png" -append "$WORK/etcd.png"
convert "$WORK/window.png" \( -size 4x740 xc:'#9e9e9e' \) "$WORK/etcd.png" +append +repage -depth 8 "$OUT"
echo "wrote $OUT"
