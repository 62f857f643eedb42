"""A small closed-loop HTTP load generator: a few keep-alive clients on loopback.

Each client keeps one connection open and sends its next request as soon as the previous
response has been read, so the latencies measured are the server's plus loopback.
"""

import http.client
import itertools
import statistics
import threading
import time
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    label: str
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only
    errors: list[str] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def requests_per_second(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def percentile_ms(self, percent: int) -> float:
        if len(self.latencies) < 2:
            return float("nan")
        cut_points = statistics.quantiles(self.latencies, n=100, method="inclusive")
        return cut_points[percent - 1] * 1000

    def add(self, other: "LoadResult") -> None:
        self.latencies.extend(other.latencies)
        self.errors.extend(other.errors)
        self.elapsed += other.elapsed

    def summary(self) -> dict:
        return {
            "requests": len(self.latencies),
            "errors": len(self.errors),
            "first_errors": self.errors[:5],
            "seconds": round(self.elapsed, 2),
            "requests_per_second": round(self.requests_per_second, 1),
            "p50_ms": round(self.percentile_ms(50), 2),
            "p95_ms": round(self.percentile_ms(95), 2),
        }


def fetch(connection: http.client.HTTPConnection, path: str, cookie: str) -> tuple[int, bytes]:
    connection.request("GET", path, headers={"Cookie": cookie})
    response = connection.getresponse()
    return response.status, response.read()


def run_load(
    *,
    label: str,
    host: str,
    port: int,
    path: str,
    cookies: list[str],
    requests: int,
    clients: int,
    max_seconds: float,
) -> LoadResult:
    """Send `requests` GETs (fewer if `max_seconds` runs out), cycling through `cookies`."""
    result = LoadResult(label=label)
    tickets = itertools.count()  # next() on a count is atomic under the GIL
    lock = threading.Lock()
    deadline = time.monotonic() + max_seconds

    def client() -> None:
        connection = http.client.HTTPConnection(host, port, timeout=30)
        try:
            while time.monotonic() < deadline:
                ticket = next(tickets)
                if ticket >= requests:
                    return
                cookie = cookies[ticket % len(cookies)]
                started = time.perf_counter()
                try:
                    status, _ = fetch(connection, path, cookie)
                except (http.client.HTTPException, OSError) as exc:
                    connection.close()  # reconnects on the next request
                    with lock:
                        result.errors.append(f"{path}: {exc.__class__.__name__}: {exc}")
                    continue
                latency = time.perf_counter() - started
                with lock:
                    if status == 200:
                        result.latencies.append(latency)
                    else:
                        result.errors.append(f"{path}: HTTP {status}")
        finally:
            connection.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.elapsed = time.perf_counter() - started
    return result


def run_alternating_rounds(
    urls: list[tuple[str, str]],
    *,
    host: str,
    port: int,
    cookies: list[str],
    requests: int,
    clients: int,
    max_seconds: float,
    rounds: int,
) -> dict[str, dict]:
    """Load each (key, path) in turn, `rounds` times, and summarise per key.

    Alternating rounds spread any background noise over every URL alike.
    """
    totals = {key: LoadResult(key) for key, _ in urls}
    for round_number in range(1, rounds + 1):
        print(f"Round {round_number}/{rounds}…", flush=True)
        for key, path in urls:
            totals[key].add(
                run_load(
                    label=key,
                    host=host,
                    port=port,
                    path=path,
                    cookies=cookies,
                    requests=requests // rounds,
                    clients=clients,
                    max_seconds=max_seconds / rounds,
                )
            )
    return {key: total.summary() for key, total in totals.items()}
