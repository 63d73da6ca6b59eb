package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/record"
	"github.com/ossgate/ossgate/function/internal/records/sqlstore"
	"github.com/ossgate/ossgate/function/internal/records/storetest"
	"github.com/ossgate/ossgate/internal/testdb"
)

// TestTooManyConnectionsIsTransient fills a server's connection limit (on a
// server of its own: MariaDB's max_connections, PostgreSQL's per-role
// limit) with other instances' pools of one connection, and wants the next
// instance's Put refused with the database's "too many connections" (MySQL
// 1040, SQLSTATE 53300), classified transient, so FC retries the event;
// once a connection is free, the retry succeeds.
func TestTooManyConnectionsIsTransient(t *testing.T) {
	for _, k := range testdb.Kinds {
		t.Run(string(k), func(t *testing.T) {
			ctx := context.Background()
			srv, err := testdb.Start(ctx, k)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = srv.Close() })
			db := config.RecordsDB{Kind: map[testdb.Kind]string{testdb.MariaDB: config.DBMySQL, testdb.Postgres: config.DBPostgres}[k], DSN: srv.DSN()}
			admin, err := sqlstore.Open(db, sqlstore.Options{MaxOpenConns: 1})
			if err != nil {
				t.Fatal(err)
			}
			if err := admin.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			admin.Close()
			limit := 3
			if k == testdb.MariaDB {
				limit = 10 // MariaDB's least max_connections
				// root, over the server's socket: ossgate may not set it.
				root, err := sql.Open("mysql", "root@unix("+filepath.Join(srv.Dir(), "sock")+")/")
				if err == nil {
					_, err = root.ExecContext(ctx, fmt.Sprintf("SET GLOBAL max_connections = %d", limit))
					root.Close()
				}
				if err != nil {
					t.Fatalf("max_connections: %v", err)
				}
			} else {
				// ossgate is a superuser, whom no limit binds: the instances
				// connect as a role of their own, limited to 3 connections.
				raw, err := sql.Open("pgx", srv.DSN())
				if err != nil {
					t.Fatal(err)
				}
				for _, stmt := range []string{
					fmt.Sprintf("CREATE ROLE app LOGIN PASSWORD 'app-pw' CONNECTION LIMIT %d", limit),
					"GRANT ALL ON SCHEMA public TO app", "GRANT ALL ON ALL TABLES IN SCHEMA public TO app",
				} {
					if _, err := raw.ExecContext(ctx, stmt); err != nil {
						t.Fatalf("%s: %v", stmt, err)
					}
				}
				raw.Close()
				db.DSN = fmt.Sprintf("postgres://app:app-pw@127.0.0.1:%d/%s?sslmode=disable", srv.Port, testdb.Database)
			}
			// Other instances hold every connection the limit allows.
			var held []*sqlstore.Store
			for i := 0; ; i++ {
				s, err := sqlstore.Open(db, sqlstore.Options{MaxOpenConns: 1})
				if err != nil {
					t.Fatal(err)
				}
				err = s.Put(ctx, storetest.Sample("u", i))
				if err != nil {
					s.Close()
					if i < limit-1 {
						t.Fatalf("instance %d refused below the limit: %v", i, err)
					}
					if !isTooMany(err) {
						t.Fatalf("instance %d: %v, want too many connections", i, err)
					}
					if !record.Transient(err) {
						t.Errorf("too many connections: %v is not transient: FC would drop the event", err)
					}
					break
				}
				held = append(held, s)
				if i > limit+2 {
					t.Fatalf("%d instances connected past a limit of %d", i+1, limit)
				}
			}
			held[0].Close()
			time.Sleep(200 * time.Millisecond)
			s, err := sqlstore.Open(db, sqlstore.Options{MaxOpenConns: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.Put(ctx, storetest.Sample("u", 99)); err != nil {
				t.Errorf("a retry once a connection is free: %v", err)
			}
			for _, h := range held[1:] {
				h.Close()
			}
		})
	}
}

func isTooMany(err error) bool {
	m := err.Error()
	return strings.Contains(m, "1040") || strings.Contains(m, "53300") || strings.Contains(strings.ToLower(m), "too many connections")
}
