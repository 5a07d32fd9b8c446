#!/usr/bin/env python3
"""A client that logs in and then sends only part of a huge simple Query message.

Used by bench/stream.sh. Speaks the PostgreSQL protocol (3.0) directly: a StartupMessage with
user and database, the authentication the server asks for (trust, cleartext or MD5; not SCRAM),
then it reads up to ReadyForQuery. Then it sends a Query ('Q') whose length field declares
--declared-mib MiB, and of its body only --send-mib MiB in 64 KiB writes (at most --mib-per-s
MiB a second, for at most --max-seconds), samples the resident memory of process --pid while
doing so, waits --hold seconds, samples it again and closes the socket without finishing the
message.

Prints key=value lines on stdout, RSS values in KiB:
  rss_before   after the login, before the first byte of the Query
  rss_peak     the largest sample while sending (every 4 MiB) and at the end of the hold
  rss_held     at the end of the hold, the message half sent
  sent_mib     how much of the body went out (less than --send-mib if the peer closed)
  send_seconds how long sending took
  outcome      "sent", or what stopped the sending (the peer closed, a timeout, --max-seconds)
A process that has exited shows an RSS of -1.
"""

import argparse
import hashlib
import socket
import struct
import sys
import time

CHUNK = 64 * 1024
MIB = 1024 * 1024


def rss_kib(pid):
    """The VmRSS of the process in KiB, -1 once it has exited."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except FileNotFoundError:
        pass
    return -1


def recv_exactly(sock, count):
    data = bytearray()
    while len(data) < count:
        piece = sock.recv(count - len(data))
        if not piece:
            raise ConnectionError("the server closed the connection during the login")
        data += piece
    return bytes(data)


def recv_message(sock):
    header = recv_exactly(sock, 5)
    kind, length = header[:1], struct.unpack("!I", header[1:])[0]
    return kind, recv_exactly(sock, length - 4)


def send_message(sock, kind, body):
    sock.sendall(kind + struct.pack("!I", len(body) + 4) + body)


def login(sock, user, database, password):
    params = b"user\0" + user.encode() + b"\0database\0" + database.encode() + b"\0\0"
    sock.sendall(struct.pack("!II", len(params) + 8, 196608) + params)
    while True:
        kind, body = recv_message(sock)
        if kind == b"R":
            code = struct.unpack("!I", body[:4])[0]
            if code == 0:
                continue
            if code == 3:
                send_message(sock, b"p", password.encode() + b"\0")
            elif code == 5:
                inner = hashlib.md5((password + user).encode()).hexdigest().encode()
                digest = hashlib.md5(inner + body[4:8]).hexdigest()
                send_message(sock, b"p", b"md5" + digest.encode() + b"\0")
            else:
                raise RuntimeError(f"unsupported authentication request {code} (use trust, password or md5)")
        elif kind == b"E":
            fields = [f.decode(errors="replace") for f in body.split(b"\0") if f]
            raise RuntimeError("login refused: " + "; ".join(f[1:] for f in fields if f[:1] in "SCM"))
        elif kind == b"Z":
            return
        # ParameterStatus, BackendKeyData, NoticeResponse: nothing to do.


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--user", default="postgres")
    parser.add_argument("--database", default="postgres")
    parser.add_argument("--password", default="postgres")
    parser.add_argument("--pid", type=int, required=True, help="the process whose RSS to sample")
    parser.add_argument("--declared-mib", type=int, default=900)
    parser.add_argument("--send-mib", type=int, default=450)
    parser.add_argument("--mib-per-s", type=float, default=150, help="0: as fast as the peer takes it")
    parser.add_argument("--max-seconds", type=float, default=180, help="give up sending after this long")
    parser.add_argument("--hold", type=float, default=2, help="seconds to wait before closing")
    args = parser.parse_args()

    sock = socket.create_connection((args.host, args.port), timeout=60)
    login(sock, args.user, args.database, args.password)
    time.sleep(0.5)
    before = peak = rss_kib(args.pid)

    declared = args.declared_mib * MIB
    to_send = min(args.send_mib * MIB, declared - 4)
    chunk = memoryview(b"x" * CHUNK)
    sent, outcome, next_sample, started = 0, "sent", 4 * MIB, time.monotonic()
    try:
        # The header, and the body's first bytes: a string literal that never ends.
        body_start = b"SELECT '"
        sock.sendall(b"Q" + struct.pack("!I", declared) + body_start)
        sent = len(body_start)
        while sent < to_send:
            piece = chunk[: min(CHUNK, to_send - sent)]
            sock.sendall(piece)
            sent += len(piece)
            if sent >= next_sample:
                next_sample += 4 * MIB
                peak = max(peak, rss_kib(args.pid))
                if time.monotonic() - started > args.max_seconds:
                    outcome = f"gave up after {args.max_seconds:.0f} s"
                    break
                if args.mib_per_s > 0:
                    ahead = sent / MIB / args.mib_per_s - (time.monotonic() - started)
                    if ahead > 0:
                        time.sleep(ahead)
    except socket.timeout:
        outcome = "timeout (the peer stopped reading)"
    except OSError as error:
        outcome = f"peer closed ({error.strerror or error})"
    send_seconds = time.monotonic() - started

    time.sleep(args.hold)
    held = rss_kib(args.pid)
    peak = max(peak, held)
    sock.close()

    print(f"rss_before={before}")
    print(f"rss_peak={peak}")
    print(f"rss_held={held}")
    print(f"sent_mib={sent / MIB:.0f}")
    print(f"send_seconds={send_seconds:.1f}")
    print(f"outcome={outcome}")


if __name__ == "__main__":
    try:
        main()
    except (OSError, RuntimeError) as failure:
        print(f"partial_query.py: {failure}", file=sys.stderr)
        sys.exit(1)
