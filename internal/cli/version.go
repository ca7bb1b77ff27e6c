package cli

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// versionInfo is what a build of hansei knows about itself.
type versionInfo struct {
	Version string `json:"version"` // the module version, "(devel)" for a build from a work tree
	Commit  string `json:"commit"`  // the VCS revision, "unknown" without VCS stamping
	Date    string `json:"date"`    // the commit's time, RFC 3339, "unknown" without VCS stamping
	Dirty   bool   `json:"dirty"`   // built from a work tree with uncommitted changes
	Go      string `json:"go"`      // the Go toolchain that built it
}

func (v versionInfo) String() string {
	commit := v.Commit
	if v.Dirty {
		commit += " with uncommitted changes"
	}
	return fmt.Sprintf("%s (commit %s, date %s, %s)", v.Version, commit, v.Date, v.Go)
}

// buildVersion reads the version the Go toolchain stamped into the binary.
func buildVersion() versionInfo {
	info, ok := debug.ReadBuildInfo()
	return versionFrom(info, ok)
}

// versionFrom is buildVersion for given build information: a binary built
// with -buildvcs=false, or by go run, lacks the VCS settings.
func versionFrom(info *debug.BuildInfo, ok bool) versionInfo {
	v := versionInfo{Version: "(devel)", Commit: "unknown", Date: "unknown", Go: "unknown"}
	if !ok || info == nil {
		return v
	}
	if info.Main.Version != "" {
		v.Version = info.Main.Version
	}
	if info.GoVersion != "" {
		v.Go = info.GoVersion
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Commit = s.Value
		case "vcs.time":
			v.Date = s.Value
		case "vcs.modified":
			v.Dirty = s.Value == "true"
		}
	}
	return v
}

func (env *cli) versionCmd() *cobra.Command {
	return withJSON(&cobra.Command{
		Use:   "version",
		Short: "print the version, commit and build date",
		Long: `Print the module version, the VCS commit and the commit's date, as the Go
toolchain stamped them into the binary ("(devel)" and "unknown" where it did
not, as with go run or -buildvcs=false). "hansei --version" prints the same line.`,
		Args: wantArgs(0, "no arguments"),
	}, func(asJSON bool, _ []string) error {
		v := buildVersion()
		return env.show(asJSON, v, nil, func() error {
			_, err := fmt.Fprintln(env.stdout, "hansei", v)
			return err
		})
	})
}
