package sqldbtest

import "os"

// getenv is the one place this test helper reads the environment.
func getenv(key string) string { return os.Getenv(key) }
