package cli

import (
	"runtime/debug"
	"testing"
)

// TestVersionFrom checks what a build says about itself, with and without
// the VCS settings the Go toolchain stamps.
func TestVersionFrom(t *testing.T) {
	stamped := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.0"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "3c2d659abc"}, {Key: "vcs.time", Value: "2026-05-01T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	for _, tc := range []struct {
		name string
		info *debug.BuildInfo
		ok   bool
		want string
	}{
		{"stamped", stamped, true, "v1.2.0 (commit 3c2d659abc with uncommitted changes, date 2026-05-01T10:00:00Z, go1.26.8)"},
		{"go run or -buildvcs=false", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, true, "(devel) (commit unknown, date unknown, go1.26.8)"},
		{"no build information", nil, false, "(devel) (commit unknown, date unknown, unknown)"},
	} {
		if got := versionFrom(tc.info, tc.ok).String(); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
