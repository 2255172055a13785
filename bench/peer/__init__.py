"""The PostGraphile benchmark peer: server.js, functions.sql and its request bodies."""
