# Sourced by the take-*.sh scripts that need these; they set WORK and U (the server).

# Waits (up to 10 s) until the server at $U answers.
wait_for_server() {
    for i in $(seq 50); do curl -s "$U/healthz" > /dev/null && break; sleep 0.2; done
}

# Creates an ID with the admin API's JSON $1 and prints it.
create() {
    curl -s -XPOST "$U/api/v1/ids" -d "$1" | python3 -c 'import sys, json; print(json.load(sys.stdin)["id"])'
}

# Waits (up to 60 s) until etcdctl at 127.0.0.1:23791, the first member of the
# copy-ready commands, lists $1 started members, then prints the list.
wait_for_etcd_members() {
    for i in $(seq 120); do
        [ "$(ETCDCTL_API=3 etcdctl --endpoints http://127.0.0.1:23791 member list 2>/dev/null | grep -c ', started, ')" = "$1" ] && break
        sleep 0.5
    done
    ETCDCTL_API=3 etcdctl --endpoints http://127.0.0.1:23791 member list
}

# Writes the screen's top-left $2 (WIDTHxHEIGHT) to $1, the pointer moved out of it.
capture() {
    xdotool mousemove 1279 799
    sleep 0.5
    xwd -root -silent > "$WORK/root.xwd"
    convert "$WORK/root.xwd" -crop "$2+0+0" +repage "$1"
    echo "wrote $1"
}
