"""A minimal SMTP server for the composers that send (sendEmail, swaks): saves every message's
DATA (dot-unstuffed) as SPOOL/NNN.eml before answering 250; writes its port to SPOOL/port.

    python3 lib/smtp_sink.py SPOOL
"""

import os
import socket
import sys


def serve(conn: socket.socket, spool: str, count: int) -> int:
    """One SMTP session; the number of messages saved so far."""
    lines = conn.makefile("rb")

    def say(text: str) -> None:
        conn.sendall(text.encode() + b"\r\n")

    say("220 sink ESMTP")
    for line in lines:
        verb = line[:4].upper()
        if verb == b"DATA":
            say("354 go ahead")
            data = []
            for chunk in lines:
                if chunk in (b".\r\n", b".\n"):
                    break
                data.append(chunk[1:] if chunk.startswith(b".") else chunk)
            count += 1
            with open(f"{spool}/{count:03d}.eml", "wb") as out:
                out.write(b"".join(data))
            say("250 saved")
        elif verb == b"QUIT":
            say("221 bye")
            break
        elif verb in (b"EHLO", b"HELO"):
            say("250 sink")
        else:
            say("250 ok")
    return count


def main() -> None:
    spool = sys.argv[1]
    server = socket.create_server(("127.0.0.1", 0))
    with open(f"{spool}/port.tmp", "w") as out:
        out.write(str(server.getsockname()[1]))
    os.rename(f"{spool}/port.tmp", f"{spool}/port")  # the port appears whole or not at all
    count = 0
    while True:
        conn, _ = server.accept()
        with conn:
            count = serve(conn, spool, count)


if __name__ == "__main__":
    main()
