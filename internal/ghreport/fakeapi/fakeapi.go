// Package fakeapi is a fake of the part of the GitHub REST API that
// --github-report uses (check runs, issue comments), for tests. It is
// mounted under Base (a stray absolute URL fails) and wants a token.
package fakeapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Base is the path the API is served under.
const Base = "/api/v3"

// API records what was published.
type API struct {
	mu    sync.Mutex
	repo  string
	pr    int
	token string
	// Runs are the created check runs' request bodies; Updates the
	// updates'.
	Runs, Updates []map[string]any
	// Comments are the comments on the pull request by id (carveout's).
	Comments map[int64]string
	// Others is how many comments by other people come first (on page 1,
	// so finding carveout's own needs pagination).
	Others int
	nextID int64
}

// New serves repo (OWNER/NAME) with pull request pr, for token.
func New(repo string, pr int, token string) *API {
	return &API{repo: repo, pr: pr, token: token, Comments: map[int64]string{}}
}

// Snapshot returns copies of what was published so far.
func (f *API) Snapshot() (runs, updates []map[string]any, comments map[int64]string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	comments = map[int64]string{}
	for k, v := range f.Comments {
		comments[k] = v
	}
	return append([]map[string]any(nil), f.Runs...), append([]map[string]any(nil), f.Updates...), comments
}

var checkRunRE = regexp.MustCompile(`^/check-runs/\d+$`)

func (f *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if r.Header.Get("Authorization") != "Bearer "+f.token {
		http.Error(w, `{"message":"Bad credentials"}`, http.StatusUnauthorized)
		return
	}
	prefix := Base + "/repos/" + f.repo
	if !strings.HasPrefix(r.URL.Path, prefix+"/") {
		http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
		return
	}
	p := strings.TrimPrefix(r.URL.Path, prefix)
	decode := func() map[string]any {
		var m map[string]any
		json.NewDecoder(r.Body).Decode(&m)
		return m
	}
	comments := fmt.Sprintf("/issues/%d/comments", f.pr)
	type comment struct {
		ID   int64  `json:"id"`
		Body string `json:"body"`
	}
	switch {
	case r.Method == "POST" && p == "/check-runs":
		f.Runs = append(f.Runs, decode())
		fmt.Fprintf(w, `{"id":%d}`, len(f.Runs))
	case r.Method == "PATCH" && checkRunRE.MatchString(p):
		f.Updates = append(f.Updates, decode())
		fmt.Fprint(w, `{"id":1}`)
	case r.Method == "GET" && p == comments:
		list := []comment{}
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		if page <= 1 && f.Others > 0 {
			for i := range f.Others {
				list = append(list, comment{int64(1000 + i), "LGTM"})
			}
			w.Header().Set("Link", fmt.Sprintf(`<http://%s%s%s?page=2>; rel="next"`, r.Host, prefix, comments))
		} else {
			for id, b := range f.Comments {
				list = append(list, comment{id, b})
			}
		}
		json.NewEncoder(w).Encode(list)
	case r.Method == "POST" && p == comments:
		f.nextID++
		body, _ := decode()["body"].(string)
		f.Comments[f.nextID] = body
		fmt.Fprintf(w, `{"id":%d}`, f.nextID)
	case r.Method == "PATCH" && strings.HasPrefix(p, "/issues/comments/"):
		id, _ := strconv.ParseInt(strings.TrimPrefix(p, "/issues/comments/"), 10, 64)
		if _, ok := f.Comments[id]; !ok {
			http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
			return
		}
		body, _ := decode()["body"].(string)
		f.Comments[id] = body
		fmt.Fprintf(w, `{"id":%d}`, id)
	default:
		http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
	}
}
