// Package crowdsec_bouncer_traefik_plugin is the lab's stand-in for CrowdSec's bouncer plugin for
// Traefik, under the real plugin's module name.
//
// It implements the real plugin's live mode with the options the platform sets, as the plugin's
// README and configuration documents them: each request's client is looked up on CrowdSec's local
// API (GET <scheme>://<host>/v1/decisions?ip=<client>, the bouncer key in X-Api-Key); a ban, an
// answer it cannot read, or a local API it cannot reach answers 403 (fail closed), so a wrong
// address or key refuses every route. Options it does not implement, and unknown ones, make
// New fail, so Traefik reports the middleware as broken and no route that uses it answers.
//
//nolint:revive,stylecheck // the package name is the one Traefik derives from the module name.
package crowdsec_bouncer_traefik_plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// Config holds the options the stand-in implements; Other collects every other option given.
type Config struct {
	Enabled                    bool                   `json:"enabled,omitempty"`
	CrowdsecMode               string                 `json:"crowdsecMode,omitempty"`
	CrowdsecLapiScheme         string                 `json:"crowdsecLapiScheme,omitempty"`
	CrowdsecLapiHost           string                 `json:"crowdsecLapiHost,omitempty"`
	CrowdsecLapiKey            string                 `json:"crowdsecLapiKey,omitempty"`
	CrowdsecLapiKeyFile        string                 `json:"crowdsecLapiKeyFile,omitempty"`
	ForwardedHeadersTrustedIPs []string               `json:"forwardedHeadersTrustedIps,omitempty"`
	Other                      map[string]interface{} `json:",remain" mapstructure:",remain"`
}

// CreateConfig returns the real plugin's defaults for these options.
func CreateConfig() *Config {
	return &Config{
		Enabled:            false,
		CrowdsecMode:       "live",
		CrowdsecLapiScheme: "http",
		CrowdsecLapiHost:   "crowdsec:8080",
	}
}

// Bouncer is one configured middleware.
type Bouncer struct {
	next    http.Handler
	name    string
	enabled bool
	lapi    string
	key     string
	trusted []*net.IPNet
	client  *http.Client
}

func logf(format string, args ...interface{}) {
	fmt.Fprintf(os.Stdout, "crowdsec-bouncer stand-in: "+format+"\n", args...)
}

func readKey(config *Config) (string, error) {
	if config.CrowdsecLapiKeyFile == "" {
		return strings.TrimSpace(config.CrowdsecLapiKey), nil
	}
	data, err := os.ReadFile(config.CrowdsecLapiKeyFile)
	if err != nil {
		return "", fmt.Errorf("crowdsecLapiKeyFile %s: %w", config.CrowdsecLapiKeyFile, err)
	}
	return strings.TrimSpace(string(data)), nil
}

func parseTrusted(items []string) ([]*net.IPNet, error) {
	var networks []*net.IPNet
	for _, item := range items {
		text := strings.TrimSpace(item)
		if !strings.Contains(text, "/") {
			if strings.Contains(text, ":") {
				text += "/128"
			} else {
				text += "/32"
			}
		}
		_, network, err := net.ParseCIDR(text)
		if err != nil {
			return nil, fmt.Errorf("forwardedHeadersTrustedIps: %q is neither an address nor a network", item)
		}
		networks = append(networks, network)
	}
	return networks, nil
}

// New checks the options and returns the middleware.
func New(_ context.Context, next http.Handler, config *Config, name string) (http.Handler, error) {
	if len(config.Other) > 0 {
		var names []string
		for option := range config.Other {
			names = append(names, option)
		}
		return nil, fmt.Errorf("options the stand-in does not implement: %s", strings.Join(names, ", "))
	}
	if config.CrowdsecMode != "live" {
		return nil, fmt.Errorf("crowdsecMode %q: the stand-in implements live mode only", config.CrowdsecMode)
	}
	if config.CrowdsecLapiScheme != "http" {
		return nil, fmt.Errorf("crowdsecLapiScheme %q: the stand-in speaks http only", config.CrowdsecLapiScheme)
	}
	if _, _, err := net.SplitHostPort(config.CrowdsecLapiHost); err != nil {
		return nil, fmt.Errorf("crowdsecLapiHost %q is not host:port", config.CrowdsecLapiHost)
	}
	if config.CrowdsecLapiKey != "" && config.CrowdsecLapiKeyFile != "" {
		return nil, errors.New("crowdsecLapiKey and crowdsecLapiKeyFile are both set")
	}
	key, err := readKey(config)
	if err != nil {
		return nil, err
	}
	if config.Enabled && key == "" {
		return nil, errors.New("no bouncer key: set crowdsecLapiKey or crowdsecLapiKeyFile")
	}
	trusted, err := parseTrusted(config.ForwardedHeadersTrustedIPs)
	if err != nil {
		return nil, err
	}
	logf("%s: live mode, local API %s://%s, %d trusted forwarders", name, config.CrowdsecLapiScheme,
		config.CrowdsecLapiHost, len(trusted))
	return &Bouncer{
		next:    next,
		name:    name,
		enabled: config.Enabled,
		lapi:    config.CrowdsecLapiScheme + "://" + config.CrowdsecLapiHost + "/v1/decisions",
		key:     key,
		trusted: trusted,
		client:  &http.Client{Timeout: 10 * time.Second},
	}, nil
}

func (bouncer *Bouncer) isTrusted(address string) bool {
	parsed := net.ParseIP(address)
	if parsed == nil {
		return false
	}
	for _, network := range bouncer.trusted {
		if network.Contains(parsed) {
			return true
		}
	}
	return false
}

// clientIP is the peer's address, or, from a trusted forwarder, the last address of
// X-Forwarded-For that is not itself a trusted forwarder.
func (bouncer *Bouncer) clientIP(req *http.Request) string {
	peer, _, err := net.SplitHostPort(req.RemoteAddr)
	if err != nil {
		peer = req.RemoteAddr
	}
	if !bouncer.isTrusted(peer) {
		return peer
	}
	hops := strings.Split(req.Header.Get("X-Forwarded-For"), ",")
	for index := len(hops) - 1; index >= 0; index-- {
		hop := strings.TrimSpace(hops[index])
		if hop != "" && !bouncer.isTrusted(hop) {
			return hop
		}
	}
	return peer
}

type decision struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// banned asks the local API; any failure counts as a ban.
func (bouncer *Bouncer) banned(ip string) (bool, string) {
	request, err := http.NewRequest(http.MethodGet, bouncer.lapi+"?ip="+url.QueryEscape(ip), nil)
	if err != nil {
		return true, err.Error()
	}
	request.Header.Set("X-Api-Key", bouncer.key)
	request.Header.Set("User-Agent", "crowdsec-bouncer-traefik-plugin-standin")
	response, err := bouncer.client.Do(request)
	if err != nil {
		return true, "local API unreachable: " + err.Error()
	}
	defer response.Body.Close()
	body, err := io.ReadAll(io.LimitReader(response.Body, 1<<20))
	if err != nil {
		return true, "local API answer unreadable: " + err.Error()
	}
	if response.StatusCode != http.StatusOK {
		return true, fmt.Sprintf("local API answered %d", response.StatusCode)
	}
	text := strings.TrimSpace(string(body))
	if text == "null" || text == "[]" {
		return false, ""
	}
	var decisions []decision
	if err := json.Unmarshal(body, &decisions); err != nil {
		return true, "local API answer is not a list of decisions: " + err.Error()
	}
	for _, item := range decisions {
		if item.Type == "ban" {
			return true, "banned by a decision"
		}
	}
	return false, ""
}

// ServeHTTP lets the request through unless the client is banned or CrowdSec cannot say.
func (bouncer *Bouncer) ServeHTTP(rw http.ResponseWriter, req *http.Request) {
	if !bouncer.enabled {
		bouncer.next.ServeHTTP(rw, req)
		return
	}
	ip := bouncer.clientIP(req)
	if isBanned, why := bouncer.banned(ip); isBanned {
		logf("%s: 403 for %s: %s", bouncer.name, ip, why)
		rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
		rw.WriteHeader(http.StatusForbidden)
		_, _ = rw.Write([]byte("Forbidden\n"))
		return
	}
	bouncer.next.ServeHTTP(rw, req)
}
