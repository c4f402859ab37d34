package source

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestOrigin(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{"http://h/x", "http://h:80/y", true},
		{"https://h", "https://H:443/", true},
		{"HTTPS://h", "https://h", true},
		{"https://h", "http://h:443", false},
		{"https://h", "http://h", false},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8081", false},
		{"http://127.0.0.1:8080", "http://localhost:8080", false},
		{"http://h", "http://h.evil", false},
		{"http://h.evil", "http://evil", false},
		{"http://[::1]:80", "http://[::1]", true},
		{"http://user@h", "http://h", true},
	}
	for _, tt := range tests {
		a, _ := url.Parse(tt.a)
		b, _ := url.Parse(tt.b)
		if got := origin(a) == origin(b); got != tt.same {
			t.Errorf("origin(%s) == origin(%s): %v (%s, %s), want %v", tt.a, tt.b, got, origin(a), origin(b), tt.same)
		}
	}
}

func TestMaskUserinfo(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://user:pass@h/x", "http://***@h/x"},
		{"http://hf_token@h:8080", "http://***@h:8080"},
		{"GET https://a:b@h/p?q=x@y: HTTP 500", "GET https://***@h/p?q=x@y: HTTP 500"},
		{"see https://a:b@h and http://c@d/e", "see https://***@h and http://***@d/e"},
		{"http://h/x@y", "http://h/x@y"},
		{"mail me@example.com", "mail me@example.com"},
		{"http://h", "http://h"},
		{"http://a@b@h/", "http://***@h/"},
		{`"http://u:p@h"`, `"http://***@h"`},
		{"://@", "://***@"},
		{"", ""},
		{"//u:p@h/x", "//***@h/x"},
	}
	for _, tt := range tests {
		if got := MaskUserinfo(tt.in); got != tt.want {
			t.Errorf("MaskUserinfo(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzMaskUserinfo(f *testing.F) {
	f.Add("http://user:pass@h/x")
	f.Add("a://b@c://d@e")
	f.Fuzz(func(t *testing.T, s string) {
		got := MaskUserinfo(s)
		if MaskUserinfo(got) != got {
			t.Errorf("not idempotent: %q -> %q -> %q", s, got, MaskUserinfo(got))
		}
		u, err := url.Parse(got)
		if err == nil && u.User != nil && u.User.String() != "%2A%2A%2A" && u.User.String() != "" {
			t.Errorf("MaskUserinfo(%q) = %q keeps userinfo %q", s, got, u.User)
		}
	})
}

// TestRedirectDowngrade: an https endpoint redirecting to plain http is
// refused (the token would not be sent there, but neither should the
// download be trusted), and a redirect loop is cut.
func TestRedirectDowngrade(t *testing.T) {
	var plainAuth []string
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		plainAuth = append(plainAuth, r.Header.Get("Authorization"))
	}))
	defer plain.Close()
	tls := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+"/x", http.StatusFound)
	}))
	defer tls.Close()
	u, _ := url.Parse(tls.URL)
	c := credentialClient(tls.Client(), credentials{origin: origin(u), bearer: "tok"}, 0)
	resp, err := c.Get(tls.URL + "/file")
	if err == nil {
		resp.Body.Close()
		t.Fatal("redirect from https to http followed")
	}
	if !strings.Contains(err.Error(), "refused a redirect from https") || len(plainAuth) != 0 {
		t.Errorf("err %v, plain server saw %q", err, plainAuth)
	}
}
