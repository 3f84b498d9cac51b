"""HTTP API (FastAPI) and the server-rendered web UI."""
