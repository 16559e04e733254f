package cli

import (
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/receiver"
)

// send --json prints the summary as one JSON object.
func TestSendJSON(t *testing.T) {
	srv := httptest.NewServer(receiver.New(receiver.Config{Store: model.NewStore(model.StoreOptions{}), Secrets: historySecrets}))
	defer srv.Close()
	code, out, stderr := runCLI(t, nil, "send", "all", "--to", srv.URL, "--json", "--secret", "moveo=moveo-token", "--secret", "chatbot=chatbot-token")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct {
		Sent, OK, Failed, Sessions int
		Status                     map[string]int
		Kinds                      map[string]int
		P50                        float64 `json:"p50_ms"`
		Max                        float64 `json:"max_ms"`
		Throughput                 float64 `json:"requests_per_second"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, out)
	}
	if rep.Sent == 0 || rep.OK != rep.Sent || rep.Failed != 0 || rep.Status["200"] == 0 || len(rep.Kinds) == 0 ||
		rep.P50 <= 0 || rep.Max < rep.P50 || rep.Throughput <= 0 || rep.Sessions == 0 {
		t.Errorf("report %+v", rep)
	}
}
