"""Drives DiscoDesk's Consul KV API with python-consul 0.7.1, Debian's python3-consul:
a real Consul client library. Run by tst_consulkv as

    /usr/bin/python3 consul_client.py <port> [<token>]

Exits 0 when every step behaved as against Consul; otherwise prints the step that
did not and exits 1."""

import sys
import threading
import time

import consul


def check(what, actual, expected):
    if actual != expected:
        print("%s: got %r, expected %r" % (what, actual, expected))
        sys.exit(1)


def main():
    port = int(sys.argv[1])
    token = sys.argv[2] if len(sys.argv) > 2 else None
    c = consul.Consul(host="127.0.0.1", port=port, token=token)

    if token is not None:
        # Beyond loopback: the token opens it, and without one Consul's 403 comes back.
        without = consul.Consul(host="127.0.0.1", port=port)
        try:
            without.kv.get("py/any")
            print("a read without the token was let in")
            sys.exit(1)
        except consul.ACLPermissionDenied:
            pass

    # A missing key: no value, and an index all the same (python-consul needs it).
    index, data = c.kv.get("py/leader")
    check("get of a missing key", data, None)
    if int(index) < 1:
        print("index of a missing key is %r" % index)
        sys.exit(1)

    # The rqlite sequence: one CAS create wins, the next loses, a plain put wins.
    value = b'{"id":"node1","api_addr":"http://127.0.0.1:4001","addr":"127.0.0.1:4002"}'
    check("first cas=0", c.kv.put("py/leader", value, cas=0), True)
    check("second cas=0", c.kv.put("py/leader", b'{"id":"node2"}', cas=0), False)
    index, data = c.kv.get("py/leader")
    check("value after the race", data["Value"], value)
    check("key", data["Key"], "py/leader")
    modify = data["ModifyIndex"]
    check("index header is the entry's", int(index), modify)
    check("create index", data["CreateIndex"], modify)

    # The leader's report: the same bytes again change nothing.
    check("identical put", c.kv.put("py/leader", value), True)
    index, data = c.kv.get("py/leader")
    check("ModifyIndex after an identical put", data["ModifyIndex"], modify)

    # Full CAS and flags.
    check("cas with a stale index", c.kv.put("py/leader", b"x", cas=modify + 1000), False)
    check("cas with the index", c.kv.put("py/leader", b"changed", cas=modify, flags=42), True)
    index, data = c.kv.get("py/leader")
    check("value after cas", data["Value"], b"changed")
    check("flags", data["Flags"], 42)
    if data["ModifyIndex"] <= modify or data["CreateIndex"] != modify:
        print("indexes after cas: %r" % data)
        sys.exit(1)

    # recurse and keys with a separator.
    check("put py/a", c.kv.put("py/a", b"1"), True)
    check("put py/sub/b", c.kv.put("py/sub/b", b"2"), True)
    check("put py/sub/c", c.kv.put("py/sub/c", None), True)
    index, entries = c.kv.get("py/", recurse=True)
    check("recurse keys", [e["Key"] for e in entries], ["py/a", "py/leader", "py/sub/b", "py/sub/c"])
    check("an empty value", entries[3]["Value"], None)
    index, keys = c.kv.get("py/", keys=True, separator="/")
    check("keys with a separator", keys, ["py/a", "py/leader", "py/sub/"])
    index, keys = c.kv.get("py/sub/", keys=True)
    check("keys", keys, ["py/sub/b", "py/sub/c"])
    index, none = c.kv.get("nothing/here/", recurse=True)
    check("recurse under nothing", none, None)

    # A blocking read: held until a write passes its index, then the new value.
    index, data = c.kv.get("py/a")
    def write_later():
        time.sleep(0.5)
        c.kv.put("py/a", b"woken")
    writer = threading.Thread(target=write_later)
    writer.start()
    new_index, data = c.kv.get("py/a", index=index, wait="60s")
    writer.join()
    check("blocking read's value", data["Value"], b"woken")
    if int(new_index) <= int(index):
        print("blocking read's index %r is not past %r" % (new_index, index))
        sys.exit(1)
    # With nothing to wait for, the wait ends with the same answer.
    same_index, data = c.kv.get("py/a", index=new_index, wait="100ms")
    check("blocking read that times out", (same_index, data["Value"]), (new_index, b"woken"))

    # Deletes: cas, plain, recurse.
    index, data = c.kv.get("py/a")
    check("delete with a stale cas", c.kv.delete("py/a", cas=data["ModifyIndex"] + 1000), False)
    check("delete with the cas", c.kv.delete("py/a", cas=data["ModifyIndex"]), True)
    check("deleted", c.kv.get("py/a")[1], None)
    check("delete of a missing key", c.kv.delete("py/a"), True)
    check("delete recurse", c.kv.delete("py/", recurse=True), True)
    check("nothing left", c.kv.get("py/", recurse=True)[1], None)
    print("python-consul: every step as against Consul")


if __name__ == "__main__":
    main()
