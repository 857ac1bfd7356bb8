"""Helpers shared by the reliability checks: a server under test, a tiny HTTP client, transcripts.

Python 3 standard library only, so the suite runs anywhere the service builds. Every server is
started in a session of its own (its own process group) so that stopping it, also after a failure,
kills nothing else; every wait is bounded by a deadline.
"""

import http.client
import os
import re
import resource
import signal
import socket
import subprocess
import tempfile
import time

TOKEN = "reliability-token"
AUTH = {"Authorization": "Bearer " + TOKEN}
LISTENING = re.compile(rb"listening on http://127\.0\.0\.1:(\d+)")


class CheckFailed(Exception):
    """A requirement of a check did not hold."""


class Skip(Exception):
    """A check cannot be staged on this machine (e.g. no tmpfs); it is reported, not failed."""


class Server:
    """`storyarchive serve` on 127.0.0.1, an ephemeral port, its own process group.

    Use as a context manager: leaving the block (normally or by an exception) kills the whole
    process group if the process is still alive, so no check leaves a server behind.
    """

    def __init__(self, binary, db, nofile=None, env=None, args=(), log_path=None):
        self.binary = binary
        self.db = db
        self.nofile = nofile
        self.extra_env = dict(env or {})
        self.args = list(args)
        self.proc = None
        self.port = None
        self.log_path = log_path or db + ".log"

    def start(self, timeout=60):
        env = dict(os.environ)
        env["STORYARCHIVE_WRITE_TOKEN"] = TOKEN
        env.update(self.extra_env)
        nofile = self.nofile

        def limits():
            # Runs in the child between fork and exec: give it the descriptor budget the check needs.
            if nofile:
                soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
                want = min(nofile, hard) if hard != resource.RLIM_INFINITY else nofile
                resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, want), hard))

        self._log = open(self.log_path, "ab")
        # The log is appended across restarts: look for the start-up line only past this point.
        offset = os.path.getsize(self.log_path)
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--host", "127.0.0.1", "--port", "0", "--db", self.db] + self.args,
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log, env=env,
            start_new_session=True, preexec_fn=limits,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with open(self.log_path, "rb") as f:
                f.seek(offset)
                m = LISTENING.search(f.read())
            if m:
                self.port = int(m.group(1))
                return self
            if self.proc.poll() is not None:
                raise CheckFailed("server exited with %s before listening; log:\n%s" % (self.proc.returncode, self.log_tail()))
            time.sleep(0.05)
        self.kill()
        raise CheckFailed("server did not report its port within %ss; log:\n%s" % (timeout, self.log_tail()))

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self):
        """SIGKILL the whole process group (the server and anything it started)."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

    def terminate(self, timeout=30):
        """SIGTERM and wait for the exit status; SIGKILL (and return None) past `timeout`."""
        if not self.alive():
            return self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def restart(self):
        if self.alive():
            self.kill()
        self._log.close()
        self.port = None
        return self.start()

    def log_tail(self, n=3000):
        try:
            with open(self.log_path, "rb") as f:
                data = f.read()
            return data[-n:].decode("utf-8", "replace")
        except OSError:
            return ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        if self.alive():
            self.kill()
        if getattr(self, "_log", None):
            self._log.close()
        return False


def request(port, method, path, body=None, headers=None, timeout=15, conn=None):
    """One HTTP request; returns (status, headers as a lower-cased dict, body bytes).

    With `conn` (an http.client.HTTPConnection) the connection is reused (keep-alive)."""
    own = conn is None
    if own:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
    finally:
        if own:
            conn.close()


def post_story(port, text, timeout=30, conn=None, extra_headers=None):
    headers = dict(AUTH)
    headers["Content-Type"] = "text/plain; charset=utf-8"
    headers.update(extra_headers or {})
    return request(port, "POST", "/stories", body=text.encode("utf-8"), headers=headers, timeout=timeout, conn=conn)


PLACES = ["Kenya", "Norway", "Chile", "Vietnam", "Ghana", "Peru", "Iceland", "Nepal"]
TOPICS = ["solar pumps reach", "ferry crews train in", "farmers rebuild terraces in", "a library reopens in",
          "engineers test tide turbines near", "students map rivers across", "nurses staff clinics in"]
NAMES = [("Joseph Mwangi", "Chairman", "Water Users Association"), ("Ingrid Dahl", "Captain", "Coastal Ferries"),
         ("Lucia Parra", "Engineer", "Andes Power Cooperative"), ("Tran Van Minh", "Teacher", "Delta School")]


def transcript(tag, i=0):
    """A small transcript the parser reads into a story whose title carries `tag`, so that each
    write is distinct (the archive answers 200, not 201, for a transcript it already has)."""
    place = PLACES[i % len(PLACES)]
    topic = TOPICS[i % len(TOPICS)]
    name, role, org = NAMES[i % len(NAMES)]
    title = "%s: %s %s %s" % (place, topic.capitalize(), "district", tag)
    return (
        "02:%02d\n\n%s\n\nBuy video\n\nStoryline %s [Voice_over] Work began in spring and record %s was kept. "
        "[Sound_bite] %s, %s, %s: \"We measure the change every week, and report %s.\" "
        "[Voice_over] More districts will follow next year. [Restrictions: None]\n\nCategories\n\nTags\n"
        % (10 + i % 40, title, title, tag, name, role, org, tag)
    )


def rss_kb(pid):
    """Resident set size of `pid` in KiB, from /proc/PID/status; None if the process is gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def open_fds(pid):
    try:
        return len(os.listdir("/proc/%d/fd" % pid))
    except OSError:
        return None


def raise_nofile(want):
    """Raise this process's soft descriptor limit towards `want`; returns the limit in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = want if hard == resource.RLIM_INFINITY else min(want, hard)
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def percentile(values, p):
    if not values:
        return None
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(p / 100.0 * (len(s) - 1)))))
    return s[k]


def raw_exchange(port, data, timeout=5.0, half_close=False, stop_when_answered=True):
    """Sends raw bytes on a fresh connection and reads until the server closes or `timeout` passes.

    With `stop_when_answered`, returns as soon as one complete response (head and a body of its
    Content-Length) has arrived on a connection the server keeps open. Returns (bytes received,
    how it ended: "answered", "closed", "reset" or "timeout")."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    received = b""
    how = "timeout"
    try:
        try:
            s.sendall(data)
            if half_close:
                s.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            # The server may answer and close before it has read everything we send.
            pass
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            s.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                how = "reset"
                break
            if not chunk:
                how = "closed"
                break
            received += chunk
            if stop_when_answered and response_complete(received):
                how = "answered"
                break
    finally:
        s.close()
    return received, how


def response_complete(data):
    """True when `data` holds one whole response with a Content-Length body (or a 1xx/204/304)."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return False
    head = data[:end].decode("latin-1").lower()
    m = re.search(r"\r\ncontent-length:\s*(\d+)", head)
    status = first_status(data)
    if status is not None and (100 <= status < 200 or status in (204, 304)):
        return True
    return bool(m) and len(data) - (end + 4) >= int(m.group(1))


STATUS_LINE = re.compile(rb"^HTTP/1\.[01] (\d{3}) ")


def first_status(data):
    m = STATUS_LINE.match(data)
    return int(m.group(1)) if m else None


def all_statuses(data):
    return [int(x) for x in re.findall(rb"(?:^|\r\n)HTTP/1\.[01] (\d{3}) ", data)]


def wait_until(predicate, timeout, interval=0.1):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def tempdir(prefix):
    return tempfile.mkdtemp(prefix="storyarchive-rel-%s-" % prefix)
