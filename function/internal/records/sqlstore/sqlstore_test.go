package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/record"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/records/sqlstore"
	"github.com/ossgate/ossgate/function/internal/records/storetest"
	"github.com/ossgate/ossgate/internal/testdb"
)

// pool holds the package's one MariaDB and one PostgreSQL server.
var pool testdb.Pool

func TestMain(m *testing.M) {
	code := m.Run()
	pool.Close()
	os.Exit(code)
}

// dbOf returns the configuration of the pool's server of kind k.
func dbOf(t *testing.T, k testdb.Kind) config.RecordsDB {
	s := pool.Get(t, k)
	kind := map[testdb.Kind]string{testdb.MariaDB: config.DBMySQL, testdb.Postgres: config.DBPostgres}[k]
	return config.RecordsDB{Kind: kind, DSN: s.DSN()}
}

var tables atomic.Int64

// open returns a store of its own tables on the server of kind k.
func open(t *testing.T, db config.RecordsDB, prefix string) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Open(db, sqlstore.Options{TablePrefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	for _, k := range testdb.Kinds {
		t.Run(string(k), func(t *testing.T) {
			db := dbOf(t, k)
			storetest.Run(t, func(t *testing.T) records.Store {
				return open(t, db, fmt.Sprintf("t%d_", tables.Add(1)))
			})
		})
	}
}

// TestConcurrentMigrations starts eight stores on one fresh schema at
// once, as instances starting together do: every one migrates without
// error and they share the tables.
func TestConcurrentMigrations(t *testing.T) {
	for _, k := range testdb.Kinds {
		t.Run(string(k), func(t *testing.T) {
			db := dbOf(t, k)
			prefix := fmt.Sprintf("m%d_", tables.Add(1))
			var wg sync.WaitGroup
			stores := make([]*sqlstore.Store, 8)
			for i := range stores {
				stores[i] = open(t, db, prefix)
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := stores[i].Migrate(context.Background()); err != nil {
						t.Errorf("Migrate %d: %v", i, err)
					}
				}()
			}
			wg.Wait()
			r := storetest.Sample("uma", 1)
			if err := stores[0].Put(context.Background(), r); err != nil {
				t.Fatal(err)
			}
			if _, err := stores[7].Get(context.Background(), "uma", r.ID); err != nil {
				t.Errorf("Get through another store: %v", err)
			}
			// A store opened later finds the schema at its version.
			if err := open(t, db, prefix).Migrate(context.Background()); err != nil {
				t.Errorf("Migrate of a migrated schema: %v", err)
			}
		})
	}
}

// TestErrorsHideThePassword: a wrong password, and a database that is not
// there, give errors that never show the DSN's password; the unreachable
// one is transient for the record function, so FC retries its event.
func TestErrorsHideThePassword(t *testing.T) {
	for _, k := range testdb.Kinds {
		t.Run(string(k), func(t *testing.T) {
			db := dbOf(t, k)
			u, _ := url.Parse(db.DSN)
			const secret = "Wr0ng-p@ss:w%rd"
			u.User = url.UserPassword(u.User.Username(), secret)
			wrong := config.RecordsDB{Kind: db.Kind, DSN: u.String()}
			inQuery := *u // the password as a query parameter, which pgx takes
			inQuery.User = url.User(u.User.Username())
			inQuery.RawQuery = url.Values{"password": {secret}, "sslpassword": {secret}}.Encode()
			wrongInQuery := config.RecordsDB{Kind: db.Kind, DSN: inQuery.String()}
			u.Host = "127.0.0.1:1" // nothing listens there
			away := config.RecordsDB{Kind: db.Kind, DSN: u.String()}
			for name, cfg := range map[string]config.RecordsDB{"wrong password": wrong, "wrong password parameter": wrongInQuery, "unreachable": away} {
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				err := open(t, cfg, "x_").Put(ctx, storetest.Sample("vera", 1))
				cancel()
				if err == nil {
					t.Fatalf("%s: Put: got nil error", name)
				}
				msg := err.Error()
				for _, leak := range []string{secret, url.QueryEscape(secret), url.PathEscape(secret), "Wr0ng"} {
					if strings.Contains(msg, leak) {
						t.Errorf("%s: the error %q shows the password", name, msg)
					}
				}
				if name == "unreachable" && !record.Transient(err) {
					t.Errorf("unreachable: got %v, want a transient error", err)
				}
			}
		})
	}
}

// TestKilledDatabase kills the server mid-run and starts it again: calls
// fail transiently while it is away and succeed once it is back, with the
// records written before still there.
func TestKilledDatabase(t *testing.T) {
	for _, k := range testdb.Kinds {
		t.Run(string(k), func(t *testing.T) {
			srv := pool.Get(t, k)
			s := open(t, dbOf(t, k), fmt.Sprintf("k%d_", tables.Add(1)))
			ctx := context.Background()
			before := storetest.Sample("walt", 1)
			if err := s.Put(ctx, before); err != nil {
				t.Fatal(err)
			}
			srv.Kill()
			cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			err := s.Put(cctx, storetest.Sample("walt", 2))
			cancel()
			if err == nil || !record.Transient(err) {
				t.Errorf("Put while the database is away: got %v, want a transient error", err)
			}
			if err := srv.Restart(ctx); err != nil {
				t.Fatal(err)
			}
			var perr error
			for range 50 { // the pool's dead connections are dropped one by one
				if perr = s.Put(ctx, storetest.Sample("walt", 2)); perr == nil {
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
			if perr != nil {
				t.Fatalf("Put after the restart: %v", perr)
			}
			if _, err := s.Get(ctx, "walt", before.ID); err != nil {
				t.Errorf("Get of a record written before the kill: %v", err)
			}
		})
	}
}

func TestOpenRejects(t *testing.T) {
	for _, dsn := range []string{"mysql://u:topsecret@h:1/db?readTimeout=banana", "mysql://u@h:1/db?password=topsecret&readTimeout=banana"} {
		_, err := sqlstore.Open(config.RecordsDB{Kind: config.DBMySQL, DSN: dsn}, sqlstore.Options{})
		if err == nil {
			t.Errorf("bad parameter in %s: got nil error", config.RedactDSN(dsn))
		} else if strings.Contains(err.Error(), "topsecret") {
			t.Errorf("bad parameter: got %v, want an error without the password", err)
		}
	}
	if _, err := sqlstore.Open(config.RecordsDB{Kind: "sqlite", DSN: "sqlite://x"}, sqlstore.Options{}); err == nil {
		t.Error("unknown kind: got nil error")
	}
	_ = errors.New
}
