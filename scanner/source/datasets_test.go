package source_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/carveout/carveout/internal/fakes/fakehub"
	"github.com/carveout/carveout/scanner/source"
)

func TestDatasetInfo(t *testing.T) {
	srv := fakehub.New()
	defer srv.Close()
	srv.AddDataset("acme/nc", map[string]any{"license": "cc-by-nc-4.0"})
	srv.AddDataset("squad", map[string]any{"license": []string{"cc-by-4.0", "cc-by-sa-4.0"}})
	srv.AddDataset("acme/none", nil)
	c, err := source.NewHubClient(hubConfig(srv, nil))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for id, want := range map[string]string{"acme/nc": "cc-by-nc-4.0", "squad": "cc-by-4.0 cc-by-sa-4.0", "acme/none": ""} {
		info, err := c.DatasetInfo(ctx, id)
		if err != nil || strings.Join(info.License, " ") != want {
			t.Errorf("%s: %+v, %v; want %q", id, info, err, want)
		}
	}
	if _, err := c.DatasetInfo(ctx, "acme/absent"); !errors.Is(err, source.ErrNotFound) || !strings.Contains(err.Error(), "/api/datasets/acme/absent") {
		t.Errorf("absent: %v", err)
	}
	if _, err := c.DatasetInfo(ctx, "../x"); err == nil {
		t.Error("invalid id: no error")
	}
	srv.Inject("acme/nc", fakehub.KindDataset, "", fakehub.Fault{Truncate: true})
	if _, err := c.DatasetInfo(ctx, "acme/nc"); err == nil || !strings.Contains(err.Error(), "invalid JSON") {
		t.Errorf("truncated answer: %v", err)
	}
}
