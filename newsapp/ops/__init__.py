"""Running Gloss: health endpoints, request logs, error pages, the cache and the task worker."""
