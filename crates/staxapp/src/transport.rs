//! Sending requests: pooled HTTP client, retries with backoff, typed outcomes.
