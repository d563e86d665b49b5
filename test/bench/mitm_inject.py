"""mitmproxy addon for the OneCLI bench: inject the header the gateway injects.

BENCH_INJECT_HOSTS  comma-separated "ip:port" authorities to inject into
BENCH_INJECT_VALUE  the value of the x-api-key header
"""
import os

from mitmproxy import http

HEADER = "x-api-key"
VALUE = os.environ.get("BENCH_INJECT_VALUE", "")
HOSTS = frozenset(h.strip() for h in os.environ.get("BENCH_INJECT_HOSTS", "").split(",") if h.strip())


def requestheaders(flow: http.HTTPFlow) -> None:
    # requestheaders, not request: with streamed bodies the headers are sent before `request` runs.
    if f"{flow.request.host}:{flow.request.port}" in HOSTS:
        flow.request.headers[HEADER] = VALUE
