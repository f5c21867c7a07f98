package pgio

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzRedaction: whatever the user, password and host, the name a URL is
// shown by (DisplayURL) and Redact of the URL hold no password, and
// ParseTable never panics.
func FuzzRedaction(f *testing.F) {
	f.Add("clv", "s3cret", "db.example:5432", "shop")
	f.Add("u", "p@ss:w/rd", "127.0.0.1", "d")
	f.Add("", "pw", "h", "")
	f.Fuzz(func(t *testing.T, user, password, host, db string) {
		ParseTable(db)
		if len(password) < 4 || strings.Contains(user+host+db+"postgres://", password) {
			return // too short to tell from the rest of the text
		}
		u := url.URL{Scheme: "postgres", User: url.UserPassword(user, password), Host: host, Path: "/" + db}
		raw := u.String()
		enc := u.User.String() // the password as written in the URL
		for _, shown := range []string{DisplayURL(raw), Redact(raw, password), Redact("failed: "+raw, password)} {
			if strings.Contains(shown, password) || (strings.Contains(enc, ":") && strings.Contains(shown, enc[strings.IndexByte(enc, ':'):]+"@")) {
				t.Fatalf("%q shows the password %q: %q", raw, password, shown)
			}
		}
	})
}
