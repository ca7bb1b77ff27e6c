package config

import (
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func writeFile(t *testing.T, name, data string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// problems returns every line of a configuration error.
func problems(t *testing.T, err error) []string {
	t.Helper()
	es, ok := err.(Errors)
	if !ok {
		t.Fatalf("error %T (%v) is not Errors", err, err)
	}
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Error()
	}
	return out
}

// TestEnvironment checks each variable the server reads: it overrides the
// file, and a bad value is an error that names the variable, the value
// and what would be right.
func TestEnvironment(t *testing.T) {
	smtp := "notify:\n  smtp:\n    addr: smtp.example.com:587\n    from: hansei@example.com\n    username: hansei\n    password: in-the-file\n    starttls: true\n"
	for _, tc := range []struct {
		name  string
		file  string
		env   map[string]string
		check func(c Config) bool
		want  string // the whole error, if any
	}{
		{name: "log level", env: map[string]string{"HANSEI_LOG_LEVEL": "debug"},
			check: func(c Config) bool { return c.LogLevel == slog.LevelDebug }},
		{name: "log level in capitals", env: map[string]string{"HANSEI_LOG_LEVEL": "WARN"},
			check: func(c Config) bool { return c.LogLevel == slog.LevelWarn }},
		{name: "log level over the file", file: "log_level: error\n", env: map[string]string{"HANSEI_LOG_LEVEL": "debug"},
			check: func(c Config) bool { return c.LogLevel == slog.LevelDebug }},
		{name: "log level from the file", file: "log_level: error\n",
			check: func(c Config) bool { return c.LogLevel == slog.LevelError }},
		{name: "default log level",
			check: func(c Config) bool { return c.LogLevel == slog.LevelInfo }},
		{name: "invalid log level", env: map[string]string{"HANSEI_LOG_LEVEL": "verbose"},
			want: `HANSEI_LOG_LEVEL: "verbose" is not a log level; use debug, info, warn or error`},
		{name: "smtp password over the file", file: smtp, env: map[string]string{"HANSEI_SMTP_PASSWORD": "from-env"},
			check: func(c Config) bool { return c.Notify.SMTP.Password == "from-env" && c.Notify.SMTP.Username == "hansei" }},
		{name: "smtp password from the file", file: smtp,
			check: func(c Config) bool { return c.Notify.SMTP.Password == "in-the-file" }},
		{name: "smtp password without smtp", env: map[string]string{"HANSEI_SMTP_PASSWORD": "secret"},
			want: "HANSEI_SMTP_PASSWORD: the configuration has no notify.smtp for it to go with; " +
				"configure notify.smtp (addr, from, username, password, starttls) in the file, or unset HANSEI_SMTP_PASSWORD"},
		{name: "web UI address", env: map[string]string{"HANSEI_URL": "https://ops.example.com/hansei/"},
			check: func(c Config) bool { return c.URL == "https://ops.example.com/hansei" }},
		{name: "web UI address from the file", file: "url: https://hansei.example.com\n",
			check: func(c Config) bool { return c.URL == "https://hansei.example.com" }},
		{name: "invalid web UI address", env: map[string]string{"HANSEI_URL": "ftp://x"},
			want: `HANSEI_URL: "ftp://x" is not the web UI's address; give an http(s) URL such as https://hansei.example.com`},
		{name: "public address", env: map[string]string{"HANSEI_PUBLIC_ADDR": ":8081"},
			check: func(c Config) bool { return c.Status.PublicAddr == ":8081" }},
		{name: "public address like addr", env: map[string]string{"HANSEI_ADDR": ":8081", "HANSEI_PUBLIC_ADDR": ":8081"},
			want: "HANSEI_PUBLIC_ADDR: the public address must differ from addr (:8081); the main address serves the status page already"},
		{name: "empty variables count as unset", file: "log_level: warn\n", env: map[string]string{"HANSEI_LOG_LEVEL": "", "HANSEI_ADDR": ""},
			check: func(c Config) bool { return c.LogLevel == slog.LevelWarn && c.Addr == DefaultAddr }},
		{name: "every bad variable at once, after the file's problems",
			file: "\naddr: localhost\n",
			env:  map[string]string{"HANSEI_LOG_LEVEL": "loud", "HANSEI_DB": "mysql://root:pw@db/h", "HANSEI_PUBLIC_ADDR": "nowhere"},
			want: `hansei.yaml:2: addr: "localhost" is not a listen address; use host:port, such as 127.0.0.1:8080 or :8080` + "\n" +
				`HANSEI_DB: database "mysql://…@db/h" is not supported; give a file path such as hansei.db, sqlite:PATH, or postgres://user@host/name` + "\n" +
				`HANSEI_LOG_LEVEL: "loud" is not a log level; use debug, info, warn or error` + "\n" +
				`HANSEI_PUBLIC_ADDR: "nowhere" is not a listen address; use host:port, such as 127.0.0.1:8080 or :8080`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := ""
			if tc.file != "" {
				path = writeFile(t, "hansei.yaml", tc.file)
			}
			c, err := Load(path, env(tc.env))
			if tc.want != "" {
				if err == nil {
					t.Fatalf("Load succeeded, want\n%s", tc.want)
				}
				got := err.Error()
				if path != "" {
					got = strings.ReplaceAll(got, path, "hansei.yaml")
				}
				if got != tc.want {
					t.Fatalf("error:\n%s\nwant\n%s", got, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if !tc.check(c) {
				t.Errorf("Load gave %+v", c)
			}
		})
	}
}

// TestConfigFileFromEnvironment checks that HANSEI_CONFIG names the file
// when the caller gives none, and that a path given wins.
func TestConfigFileFromEnvironment(t *testing.T) {
	named := writeFile(t, "named.yaml", "addr: :7001\n")
	given := writeFile(t, "given.yaml", "addr: :7002\n")
	c, err := Load("", env(map[string]string{"HANSEI_CONFIG": named}))
	if err != nil || c.Addr != ":7001" || c.Path != named {
		t.Errorf("HANSEI_CONFIG: addr %q, path %q, %v", c.Addr, c.Path, err)
	}
	c, err = Load(given, env(map[string]string{"HANSEI_CONFIG": named}))
	if err != nil || c.Addr != ":7002" || c.Path != given {
		t.Errorf("a given path and HANSEI_CONFIG: addr %q, path %q, %v", c.Addr, c.Path, err)
	}
}

// TestFileCheckedOnItsOwn: a mistake in the file is reported even where
// the environment overrides the value, since it bites once the variable
// is gone.
func TestFileCheckedOnItsOwn(t *testing.T) {
	path := writeFile(t, "hansei.yaml", "addr: nowhere\n")
	_, err := Load(path, env(map[string]string{"HANSEI_ADDR": ":9000"}))
	if err == nil || !strings.HasPrefix(err.Error(), path+`:1: addr: "nowhere" is not a listen address`) {
		t.Errorf("Load: %v", err)
	}
}

// TestEveryVariableIsReadable checks the declarations: each environment
// variable is unique, starts with HANSEI_, and sits on a setting that can
// be read from text.
func TestEveryVariableIsReadable(t *testing.T) {
	seen := map[string]bool{EnvConfig: true}
	for _, s := range Settings() {
		if s.Env == "" {
			continue
		}
		if seen[s.Env] || !strings.HasPrefix(s.Env, "HANSEI_") {
			t.Errorf("%s: environment variable %q is declared twice or lacks HANSEI_", s.Path, s.Env)
		}
		seen[s.Env] = true
		_, err := Load("", env(map[string]string{s.Env: "x"}))
		if err != nil && strings.Contains(err.Error(), onlyInFile) {
			t.Errorf("%s: %s is declared on a setting only the file can set", s.Path, s.Env)
		}
	}
	want := []string{"HANSEI_ADDR", "HANSEI_DB", "HANSEI_URL", "HANSEI_LOG_LEVEL", "HANSEI_SMTP_PASSWORD", "HANSEI_PUBLIC_ADDR",
		"HANSEI_DB_CREATE", "HANSEI_SQLITE_SYNCHRONOUS"}
	if got := envNames(configFields()); !reflect.DeepEqual(got, want) {
		t.Errorf("variables %v, want %v", got, want)
	}
}
