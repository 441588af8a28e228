"""WebSocket consumers, one module per kind of socket."""
