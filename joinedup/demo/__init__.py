"""Commands over every app: `joinedup demo`, `serve`, `worker` and `bench`."""
