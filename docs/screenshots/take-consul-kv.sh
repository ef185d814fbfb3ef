#!/bin/bash
# Takes docs/screenshots/consul-kv.png: discodesk's Consul KV tab under Xvfb while
# three voters form a cluster as rqlite 7+ does (-disco-mode consul-kv): each reads
# the key on its own kept-alive connection, races PUT ?cas=0, and the winner reports
# as leader. rqlited is not in Debian, so python3 sends rqlite's requests. Needs what
# take-main-window.sh needs. Run from the repository root after building into
# build-ui (or set DISCODESK to the program):
#   xvfb-run -a -s "-screen 0 1280x800x24" docs/screenshots/take-consul-kv.sh
set -e
OUT=$PWD/docs/screenshots/consul-kv.png
APP_PATH=${DISCODESK:-build-ui/app/discodesk}
WORK=$(mktemp -d)
export HOME=$WORK/home XDG_RUNTIME_DIR=$WORK/xdg
mkdir -p "$HOME" "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"
U=http://127.0.0.1:4011

"$APP_PATH" --port 4011 --db "$WORK/db.sqlite" > "$WORK/app.log" 2>&1 &
APP=$!
trap 'kill $APP 2>/dev/null; rm -rf "$WORK"' EXIT
for i in $(seq 50); do curl -s $U/healthz > /dev/null && break; sleep 0.2; done
# An older cluster whose leader went quiet long ago: written through an import.
python3 - "$WORK/old.json" <<'PY'
import json, sys, base64
value = b'{"id":"a","api_addr":"http://localhost:5001","addr":"localhost:5002"}'
json.dump({"format": "discodesk-export", "format_version": 2, "ids": [], "kv": [{
    "key": "staging/leader", "value": base64.b64encode(value).decode(), "flags": "0",
    "created_at": "2026-11-30T09:00:00Z", "modified_at": "2026-11-30T09:00:00Z",
    "reported_at": "2026-11-30T17:40:00Z"}]}, open(sys.argv[1], "w"))
PY
curl -s -XPOST $U/api/v1/import --data-binary @"$WORK/old.json" > /dev/null
# The Consul KV tab (the second), and its first row once there.
sleep 1
xdotool mousemove 300 75 click 1
sleep 0.5

# Three voters as rqlite's Go client: GET, then the CAS race; the losers read again.
python3 - <<'PY'
import http.client, json, time
def node(n):
    return json.dumps({"id": str(n), "api_addr": "http://localhost:%d" % (4001 + 2 * (n - 1)),
                       "addr": "localhost:%d" % (4002 + 2 * (n - 1))}, separators=(",", ":")).encode()
voters = [http.client.HTTPConnection("127.0.0.1", 4011) for _ in range(3)]
def call(conn, method, path, body=None):
    conn.request(method, path, body, {"Content-Type": "application/octet-stream"} if body else {})
    return conn.getresponse().read()
for conn in voters:
    call(conn, "GET", "/v1/kv/demo/leader")
for n, conn in enumerate(voters, 1):
    call(conn, "PUT", "/v1/kv/demo/leader?cas=0", node(n))
for _ in range(2):
    time.sleep(0.5)
    for conn in voters[1:]:
        call(conn, "GET", "/v1/kv/demo/leader")
call(voters[0], "PUT", "/v1/kv/demo/leader", node(1))  # the leader's report
PY
sleep 1.5
xdotool mousemove 150 144 click 1
sleep 1.5
xdotool mousemove 1200 780
sleep 0.5
xwd -root -silent > "$WORK/root.xwd"
convert "$WORK/root.xwd" -crop 1100x720+0+0 +repage "$OUT"
echo "wrote $OUT"
