package hop

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// TestClientDoesNotFollowRedirects: a 3xx comes back as the answer, and
// its Location is never requested.
func TestClientDoesNotFollowRedirects(t *testing.T) {
	var followed atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/elsewhere" {
			followed.Add(1)
			return
		}
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	}))
	defer srv.Close()
	c := NewClient(ClientOptions{})
	defer c.CloseIdleConnections()
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		req, err := http.NewRequest(method, srv.URL+"/hook", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/elsewhere" {
			t.Errorf("%s: %d, Location %q; want the 302 itself", method, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if n := followed.Load(); n != 0 {
		t.Errorf("the redirect was followed %d times", n)
	}
}

// TestClientAsksNoCompression: the body comes as the target sends it,
// not gunzipped behind the caller's back.
func TestClientAsksNoCompression(t *testing.T) {
	gz := []byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff\x01\x00\x00\xff\xff\x00\x00\x00\x00\x00\x00\x00\x00")
	var asked atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Store(r.Header.Get("Accept-Encoding"))
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gz)
	}))
	defer srv.Close()
	c := NewClient(ClientOptions{})
	defer c.CloseIdleConnections()
	resp, err := c.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if a := asked.Load(); a != "" {
		t.Errorf("Accept-Encoding %q sent", a)
	}
	if string(body) != string(gz) || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("body %q, Content-Encoding %q: want the bytes sent", body, resp.Header.Get("Content-Encoding"))
	}
}

func TestClientOptions(t *testing.T) {
	c := NewClient(ClientOptions{Timeout: 7, IdlePerHost: 3})
	tr := c.Transport.(*http.Transport)
	if c.Timeout != 7 || tr.MaxIdleConnsPerHost != 3 || !tr.DisableCompression || tr.Proxy == nil {
		t.Errorf("client %+v, transport idle %d, compression off %v", c, tr.MaxIdleConnsPerHost, tr.DisableCompression)
	}
	c = NewClient(ClientOptions{})
	if tr := c.Transport.(*http.Transport); c.Timeout != 0 || tr.MaxIdleConnsPerHost != DefaultIdlePerHost {
		t.Errorf("zero options: timeout %v, idle per host %d", c.Timeout, tr.MaxIdleConnsPerHost)
	}
	if c.Transport == http.DefaultTransport {
		t.Error("the client shares http.DefaultTransport")
	}
}
