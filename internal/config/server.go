package config

import "log/slog"

// The server's own settings, at the top of the file:
//
//	addr: 127.0.0.1:8080              # listen address (host:port)
//	db: hansei.db                     # a file path, sqlite:PATH or postgres://…
//	url: https://hansei.example.com   # the web UI's address as browsers reach it
//	log_level: info                   # debug, info, warn or error
func serverFields() []field[Config] {
	return []field[Config]{
		{key: "addr", env: "HANSEI_ADDR",
			doc:   "The listen address, host:port; `:8080` listens on every interface.",
			value: scalar(func(c *Config) *string { return &c.Addr }, listenAddr(false), DefaultAddr)},
		{key: "db", env: "HANSEI_DB",
			doc:   "The database: a file path or `sqlite:PATH` for SQLite, `postgres://…` for PostgreSQL.",
			value: scalar(func(c *Config) *string { return &c.DB }, database(), DefaultDB)},
		{key: "url", env: "HANSEI_URL", def: "made from `addr`",
			doc: "The web UI's address as browsers reach it, such as `https://hansei.example.com`; sign-in links are made from it.",
			value: scalar(func(c *Config) *string { return &c.URL },
				siteURL("the web UI's address", "https://hansei.example.com", true), "")},
		{key: "log_level", env: "HANSEI_LOG_LEVEL",
			doc:   "The least severe messages the server logs: `debug`, `info`, `warn` or `error`.",
			value: scalar(func(c *Config) *slog.Level { return &c.LogLevel }, logLevel(), slog.LevelInfo)},
	}
}
