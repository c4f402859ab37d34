package fakeserver

import (
	"io"
	"net/http"
	"testing"
)

func TestFaults(t *testing.T) {
	s := New("test", "/base", func(w http.ResponseWriter, status int, code, msg string) {
		w.Header().Set("X-Code", code)
		http.Error(w, msg, status)
	}, nil)
	s.Start()
	defer s.Close()
	s.Inject("r", "k", "", Fault{Status: 500, Times: 2})
	s.Inject("r", "k", "one", Fault{Status: 404, Code: "Missing"})
	tests := []struct {
		path string
		want int // 0: no fault
	}{
		{"one", 404}, {"two", 500}, {"one", 404}, {"two", 500}, {"two", 0}, {"one", 404},
	}
	for i, tt := range tests {
		f := s.TakeFault("r", "k", tt.path)
		got := 0
		if f != nil {
			got = f.Status
		}
		if got != tt.want {
			t.Errorf("request %d (%s): fault %d, want %d", i, tt.path, got, tt.want)
		}
	}
	if n := s.Count("k"); n != len(tests) {
		t.Errorf("Count = %d, want %d", n, len(tests))
	}
}

func TestOutsideBase(t *testing.T) {
	s := New("test", "/base", nil, func(w http.ResponseWriter, r *http.Request, tok string) {
		io.WriteString(w, tok+" "+r.URL.Path)
	})
	s.Start()
	defer s.Close()
	for _, tt := range []struct {
		url    string
		status int
		body   string
	}{
		{s.Endpoint() + "/x", 200, "tok /x"},
		{s.URL + "/x", http.StatusTeapot, ""},
	} {
		req, _ := http.NewRequest("GET", tt.url, nil)
		req.Header.Set("Authorization", "Bearer tok")
		resp, err := s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status || (tt.body != "" && string(b) != tt.body) {
			t.Errorf("%s: %d %q, want %d %q", tt.url, resp.StatusCode, b, tt.status, tt.body)
		}
	}
	if got := s.Tokens(); len(got) != 1 || got[0] != "tok" {
		t.Errorf("Tokens = %q, want [tok] (requests outside the base are not served)", got)
	}
}
