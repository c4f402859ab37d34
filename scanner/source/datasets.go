package source

import (
	"context"
	"fmt"
	"net/http"
)

// DatasetInfo is what the Hub says about a data set.
type DatasetInfo struct {
	ID string
	// License is the data set card's license (cardData.license).
	License     []string
	LicenseName string
	URL         string
}

// DatasetInfo returns the declared license of the Hub data set id (name
// or org/name) from GET /api/datasets/ID. A data set the Hub does not have
// is ErrNotFound.
func (c *HubClient) DatasetInfo(ctx context.Context, id string) (*DatasetInfo, error) {
	if err := CheckHubID(id); err != nil {
		return nil, fmt.Errorf("invalid Hugging Face data set id %q", id)
	}
	if c.offline {
		return nil, fmt.Errorf("dataset %s: the Hub is not reachable in offline mode: %w", id, ErrOffline)
	}
	d := c.doer
	d.classify = func(resp *http.Response, u string) error { return c.classify(resp, u, "datasets/"+id, false) }
	var info struct {
		ID       string      `json:"id"`
		CardData hubCardData `json:"cardData"`
	}
	if _, err := d.getJSON(ctx, c.endpoint+"/api/datasets/"+id, &info); err != nil {
		return nil, err
	}
	return &DatasetInfo{ID: id, License: []string(info.CardData.License), LicenseName: info.CardData.LicenseName, URL: c.endpoint + "/datasets/" + id}, nil
}
