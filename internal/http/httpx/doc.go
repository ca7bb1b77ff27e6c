// Package httpx is what every HTTP package of hansei shares: JSON in and
// out, the error contract ({"error":{"code","message","fields"}}) and the
// mapping of domain error codes to statuses, and reading path and query
// parameters. It knows nothing of any route.
package httpx
