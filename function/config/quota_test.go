package config

import (
	"strings"
	"testing"
	"time"
)

func TestProfileQuotaAndRate(t *testing.T) {
	p, err := ParseProfiles([]byte(`{"pics":{"types":["image/png"],"maxSize":100,
		"quota":{"files":2,"bytes":1000,"per":"month"},"rate":{"signs":5,"per":"minute"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	got := p["pics"]
	if got.Quota != (Quota{Files: 2, Bytes: 1000, Per: PerMonth}) || got.Rate != (Rate{Signs: 5, Per: PerMinute}) {
		t.Errorf("got quota %+v, rate %+v", got.Quota, got.Rate)
	}
	if !got.Quota.On() || !got.Rate.On() {
		t.Error("On: got false, want true")
	}
	def, _ := ParseProfiles([]byte(DefaultProfiles))
	if def["avatar"].Quota.On() || def["avatar"].Rate.On() {
		t.Error("built-in profiles: want no quota or rate")
	}
}

func TestProfileQuotaErrors(t *testing.T) {
	tests := []struct{ limits, want string }{
		{`"quota":{"files":2}`, "quota per"},
		{`"quota":{"per":"day"}`, "limit files or bytes"},
		{`"quota":{"files":-1,"per":"day"}`, "files"},
		{`"quota":{"files":1,"per":"week"}`, "quota per"},
		{`"quota":{"files":1,"per":"day","extra":1}`, "unknown field"},
		{`"rate":{"signs":0,"per":"minute"}`, "rate signs"},
		{`"rate":{"signs":3,"per":"day"}`, "rate per"},
	}
	for _, tt := range tests {
		_, err := ParseProfiles([]byte(`{"p":{"types":["image/png"],"maxSize":10,` + tt.limits + `}}`))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want an error mentioning %q", tt.limits, err, tt.want)
		}
	}
}

func TestQuotaPeriodAndRateWindow(t *testing.T) {
	at := time.Date(2026, 11, 30, 23, 59, 30, 5, time.FixedZone("UTC+8", 8*3600)) // 15:59:30 UTC
	s, e := Quota{Per: PerDay}.Period(at)
	if want := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC); !s.Equal(want) || !e.Equal(want.AddDate(0, 0, 1)) {
		t.Errorf("day: got [%v, %v)", s, e)
	}
	s, e = Quota{Per: PerMonth}.Period(time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC))
	if want := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC); !s.Equal(want) || !e.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("month: got [%v, %v)", s, e)
	}
	s, e = Rate{Per: PerMinute}.Window(at)
	if want := time.Date(2026, 11, 30, 15, 59, 0, 0, time.UTC); !s.Equal(want) || e.Sub(s) != time.Minute {
		t.Errorf("minute: got [%v, %v)", s, e)
	}
}

func TestRecordsDSN(t *testing.T) {
	c, err := Load(Record, env(map[string]string{VarRecordsDSN: "mysql://app:s3cr%40t@rm-x.mysql.rds.aliyuncs.com:3306/appdb?tls=true"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.RecordsDB.Kind != DBMySQL || !c.RecordsDB.On() {
		t.Errorf("got %+v, want mysql", c.RecordsDB)
	}
	if r := c.RecordsDB.Redacted(); strings.Contains(r, "s3cr") || !strings.Contains(r, "xxxxx") {
		t.Errorf("Redacted: got %q, want the password hidden", r)
	}
	c, err = Load(Sign, env(map[string]string{VarRecordsDSN: "postgresql://app:pw@127.0.0.1:5432/appdb?sslmode=disable"}))
	if err != nil || c.RecordsDB.Kind != DBPostgres {
		t.Errorf("postgresql://: got %+v, %v", c.RecordsDB, err)
	}
	for _, bad := range []string{"sqlite://x/y", "mysql://app:topsecret@host", "postgres://host/db", "mysql://app:topsecret@host/a/b", "app:topsecret@tcp(host)/db"} {
		_, err := Load(Record, env(map[string]string{VarRecordsDSN: bad}))
		if err == nil || !strings.Contains(err.Error(), VarRecordsDSN) {
			t.Errorf("%s: got %v, want an error naming %s", bad, err, VarRecordsDSN)
		} else if strings.Contains(err.Error(), "topsecret") {
			t.Errorf("%s: the error %q shows the password", bad, err)
		}
	}
}
