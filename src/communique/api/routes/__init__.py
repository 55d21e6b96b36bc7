"""The API's routers, one module per area; each handler parses parameters and calls the library."""
