//! Signing in: public configuration, Cognito SRP, identity pool exchange, credential cache.
