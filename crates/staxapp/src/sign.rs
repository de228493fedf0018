//! SigV4 signing of API requests (service `execute-api`).
