#!/usr/bin/env python3
"""Opens many idle client connections to a pooler and reports what they cost it in memory.

Used by bench/run.sh. Speaks the PostgreSQL protocol (3.0) directly, without a driver, so that
one process can hold ten thousand connections: a StartupMessage with user and database, the
authentication the server asks for (trust, cleartext, MD5 or SCRAM-SHA-256), then it reads up to
ReadyForQuery and leaves the connection idle. At most --in-flight logins run at once.

It samples the resident memory of process --pid once before the first connection and once when
every connection is idle (after --settle seconds), then closes them all and prints key=value
lines on stdout:
  clients        connections that reached ReadyForQuery
  failed         connections refused or closed before ReadyForQuery (the first error on stderr)
  rss_before_kib the pooler's RSS before
  rss_after_kib  the pooler's RSS with every client idle
  kib_per_client (rss_after - rss_before) / clients
  login_seconds  how long the logins took
"""

import argparse
import base64
import hashlib
import hmac
import os
import selectors
import socket
import struct
import sys
import time


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


SALTED = {}


def salted_password(password, salt, iterations):
    """Every login is the same user's: the 4096 rounds of PBKDF2 are done once per salt."""
    key = (salt, iterations)
    if key not in SALTED:
        SALTED[key] = hashlib.pbkdf2_hmac("sha256", password, base64.b64decode(salt), iterations)
    return SALTED[key]


def message(kind, body):
    return kind + struct.pack("!I", len(body) + 4) + body


class Login:
    """One connection's login, driven by the selector until ReadyForQuery."""

    def __init__(self, args):
        self.args = args
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setblocking(False)
        self.sock.connect_ex((args.host, args.port))
        self.buffer = b""
        self.out = self.startup()
        self.done = False
        self.error = None
        self.scram = None

    def startup(self):
        body = struct.pack("!I", 196608)
        for key, value in (("user", self.args.user), ("database", self.args.database)):
            body += key.encode() + b"\0" + value.encode() + b"\0"
        body += b"\0"
        return struct.pack("!I", len(body) + 4) + body

    def writable(self):
        sent = self.sock.send(self.out)
        self.out = self.out[sent:]

    def readable(self):
        data = self.sock.recv(65536)
        if not data:
            self.error = "closed by the pooler"
            return
        self.buffer += data
        while len(self.buffer) >= 5:
            kind = self.buffer[0:1]
            length = struct.unpack("!I", self.buffer[1:5])[0]
            if len(self.buffer) < 1 + length:
                return
            body = self.buffer[5:1 + length]
            self.buffer = self.buffer[1 + length:]
            self.handle(kind, body)

    def handle(self, kind, body):
        if kind == b"E":
            fields = dict((f[0:1], f[1:].decode(errors="replace")) for f in body.split(b"\0") if f)
            self.error = fields.get(b"M", "error")
        elif kind == b"Z":
            self.done = True
        elif kind == b"R":
            self.authenticate(struct.unpack("!I", body[0:4])[0], body[4:])

    def authenticate(self, code, data):
        password = self.args.password.encode()
        if code == 3:
            self.out += message(b"p", password + b"\0")
        elif code == 5:
            inner = hashlib.md5(password + self.args.user.encode()).hexdigest().encode()
            self.out += message(b"p", b"md5" + hashlib.md5(inner + data).hexdigest().encode() + b"\0")
        elif code == 10:
            nonce = base64.b64encode(os.urandom(18))
            self.scram = {"first_bare": b"n=,r=" + nonce, "nonce": nonce}
            first = b"n,," + self.scram["first_bare"]
            self.out += message(b"p", b"SCRAM-SHA-256\0" + struct.pack("!I", len(first)) + first)
        elif code == 11:
            attrs = dict(item.split(b"=", 1) for item in data.split(b","))
            salted = salted_password(password, attrs[b"s"], int(attrs[b"i"]))
            client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
            final_bare = b"c=biws,r=" + attrs[b"r"]
            auth = self.scram["first_bare"] + b"," + data + b"," + final_bare
            signature = hmac.new(hashlib.sha256(client_key).digest(), auth, hashlib.sha256).digest()
            proof = bytes(a ^ b for a, b in zip(client_key, signature))
            self.out += message(b"p", final_bare + b",p=" + base64.b64encode(proof))
        elif code not in (0, 12):
            self.error = f"authentication request {code} is not supported here"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", default="postgres")
    parser.add_argument("--password", default=os.environ.get("PGPASSWORD", ""))
    parser.add_argument("--database", default="postgres")
    parser.add_argument("--clients", type=int, default=10000)
    parser.add_argument("--in-flight", type=int, default=200)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--settle", type=float, default=3.0)
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()

    before = rss_kib(args.pid)
    selector = selectors.DefaultSelector()
    idle, failed, started, first_error = [], 0, 0, None
    start = time.monotonic()
    while (started < args.clients or selector.get_map()) and time.monotonic() - start < args.timeout:
        while started < args.clients and len(selector.get_map()) < args.in_flight:
            login = Login(args)
            selector.register(login.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, login)
            started += 1
        for key, events in selector.select(timeout=1.0):
            login = key.data
            try:
                if events & selectors.EVENT_WRITE and login.out:
                    login.writable()
                if events & selectors.EVENT_READ:
                    login.readable()
            except OSError as e:
                login.error = str(e)
            if login.error or login.done:
                selector.unregister(login.sock)
                if login.error:
                    failed += 1
                    first_error = first_error or login.error
                    login.sock.close()
                else:
                    idle.append(login.sock)
            elif not login.out:
                selector.modify(login.sock, selectors.EVENT_READ, login)
            else:
                selector.modify(login.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, login)
    login_seconds = time.monotonic() - start
    failed += len(selector.get_map())
    time.sleep(args.settle)
    after = rss_kib(args.pid)
    for sock in idle:
        sock.close()
    if first_error:
        print(f"first failure: {first_error}", file=sys.stderr)
    print(f"clients={len(idle)}")
    print(f"failed={failed}")
    print(f"rss_before_kib={before}")
    print(f"rss_after_kib={after}")
    print(f"kib_per_client={(after - before) / len(idle):.2f}" if idle else "kib_per_client=-")
    print(f"login_seconds={login_seconds:.1f}")


if __name__ == "__main__":
    main()
