// Package assets is the stylesheet and script that the pages and the
// public status page share, with the cache-busting versions and the few
// template helpers that need no viewer.
package assets

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"
)

//go:embed files
var files embed.FS

// Handler serves /assets/: for a year when the URL carries the asset's
// version (it changes with the content), for five minutes otherwise.
func Handler() http.Handler {
	sub, _ := fs.Sub(files, "files")
	fileServer := http.FileServerFS(sub)
	return http.StripPrefix("/assets/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("v") != "" {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "public, max-age=300")
		}
		fileServer.ServeHTTP(w, r)
	}))
}

// Versions hashes each asset for its cache-busting URL.
func Versions() map[string]string {
	out := map[string]string{}
	fs.WalkDir(files, "files", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		out[strings.TrimPrefix(p, "files/")] = ShortHash(b)
		return nil
	})
	return out
}

// ShortHash is a short, stable name for some bytes' content.
func ShortHash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:6])
}

// Funcs are the template helpers that need no viewer; versions are the
// assets' (Versions).
func Funcs(assetVersions map[string]string) template.FuncMap {
	return template.FuncMap{
		"asset": func(name string) string { return "/assets/" + name + "?v=" + assetVersions[name] },
		"join":  strings.Join,
		"rfc3339": func(t time.Time) string {
			return t.UTC().Format(time.RFC3339)
		},
		"contains": func(list []string, s string) bool {
			for _, x := range list {
				if x == s {
					return true
				}
			}
			return false
		},
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
	}
}

// FS is the assets, by name (app.css, app.js).
func FS() fs.FS {
	sub, _ := fs.Sub(files, "files")
	return sub
}
