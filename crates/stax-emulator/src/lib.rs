//! A local Stax: the Stax API, Cognito user and identity pools and API Gateway's SigV4 checks.
