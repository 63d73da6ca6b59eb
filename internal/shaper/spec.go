package shaper

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseSpec reads a Config from its command-line form: comma-separated
// name=value pairs, every one optional.
//
//	perconn=2MB      bytes per second per connection (suffixes k, M, Ki, Mi, with an optional B)
//	total=12MB       bytes per second for all connections
//	latency=40ms     added each way (a Go duration)
//	cut=3@150KB      cut every 3rd connection after 150 KB sent to the server
//	cut=3@150KBx2    the same, at most 2 connections
//
// "perconn=2MB,total=12MB,latency=40ms" is the mobile link of the
// benchmarks. The empty string is the zero Config.
func ParseSpec(spec string) (Config, error) {
	var c Config
	for _, kv := range strings.Split(spec, ",") {
		if strings.TrimSpace(kv) == "" {
			continue
		}
		name, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		var err error
		switch {
		case !ok:
			err = fmt.Errorf("want name=value, got %q", kv)
		case name == "perconn":
			c.PerConn, err = byteRate(v)
		case name == "total":
			c.Total, err = byteRate(v)
		case name == "latency":
			c.Latency, err = time.ParseDuration(v)
			if err == nil && c.Latency < 0 {
				err = fmt.Errorf("negative latency %s", v)
			}
		case name == "cut":
			c.Cut, err = cutEvery(v)
		default:
			err = fmt.Errorf("unknown setting %q (perconn, total, latency, cut)", name)
		}
		if err != nil {
			return Config{}, fmt.Errorf("shaper: %w", err)
		}
	}
	return c, nil
}

// cutEvery reads "N@BYTES" or "N@BYTESxK": cut connections N, 2N, 3N...
// (the first K of them) after BYTES.
func cutEvery(v string) (func(int) int64, error) {
	ns, bs, ok := strings.Cut(v, "@")
	n, err := strconv.Atoi(ns)
	if !ok || err != nil || n < 1 {
		return nil, fmt.Errorf("cut: want N@BYTES with N >= 1, got %q", v)
	}
	limit := 0
	if b, ks, found := strings.Cut(bs, "x"); found {
		if limit, err = strconv.Atoi(ks); err != nil || limit < 1 {
			return nil, fmt.Errorf("cut: want N@BYTESxK with K >= 1, got %q", v)
		}
		bs = b
	}
	after, err := bytesOf(bs)
	if err != nil || after < 1 {
		return nil, fmt.Errorf("cut: want N@BYTES with BYTES >= 1, got %q", v)
	}
	return func(conn int) int64 {
		if conn%n != 0 || limit > 0 && conn/n > limit {
			return 0
		}
		return int64(after)
	}, nil
}

func byteRate(v string) (float64, error) {
	b, err := bytesOf(v)
	if err != nil || b <= 0 {
		return 0, fmt.Errorf("want a positive byte rate like 2MB, got %q", v)
	}
	return b, nil
}

// bytesOf reads a number of bytes with an optional k, M, Ki or Mi suffix
// and an optional trailing B.
func bytesOf(v string) (float64, error) {
	s := strings.TrimSuffix(strings.TrimSpace(v), "B")
	mult := 1.0
	for _, u := range []struct {
		suffix string
		mult   float64
	}{{"Ki", 1 << 10}, {"Mi", 1 << 20}, {"k", 1e3}, {"K", 1e3}, {"M", 1e6}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSuffix(s, u.suffix), u.mult
			break
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("bad byte count %q", v)
	}
	return f * mult, nil
}
