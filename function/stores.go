package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/records/ossstore"
	"github.com/ossgate/ossgate/function/internal/records/sqlstore"
)

// migrateTimeout bounds the schema migration at start.
const migrateTimeout = 20 * time.Second

// stores opens the record store of a request or invocation: the SQL store
// of OSSGATE_RECORDS_DSN (one connection pool per instance), else the OSS
// store in the bucket, built with the request's credentials.
type stores struct {
	oss     ossclient.Opener
	records string // the records prefix
	sql     *sqlstore.Store
}

// newStores returns the stores of cfg. With a database it opens the pool
// and migrates the schema now; a database that does not answer yet is
// logged (its DSN redacted) and migrated on first use instead, so that an
// instance starting while the database is away still starts.
func newStores(cfg config.Config, oss ossclient.Opener, logger *slog.Logger) (stores, error) {
	s := stores{oss: oss, records: cfg.Prefixes.Records}
	if !cfg.RecordsDB.On() {
		return s, nil
	}
	db, err := sqlstore.Open(cfg.RecordsDB, sqlstore.Options{MaxOpenConns: connsPerInstance})
	if err != nil {
		return s, err
	}
	s.sql = db
	ctx, cancel := context.WithTimeout(context.Background(), migrateTimeout)
	defer cancel()
	if err := db.Migrate(ctx); err != nil {
		logger.Warn("records: the database did not answer at start; the schema is migrated on first use",
			"db", cfg.RecordsDB.Redacted(), "error", err.Error())
	}
	return s, nil
}

// describe is how the log names the store.
func (s stores) describe(cfg config.Config) string {
	if s.sql != nil {
		return cfg.RecordsDB.Kind + " " + cfg.RecordsDB.Redacted()
	}
	return "oss " + cfg.OSS.Bucket + "/" + cfg.Prefixes.Records + "/"
}

// of returns the store to use with objs, the invocation's object calls.
func (s stores) of(objs ossclient.Objects) records.Store {
	if s.sql != nil {
		return s.sql
	}
	return ossstore.New(objs.Bucket, s.records)
}

// StoreFor implements sign.StoreOpener.
func (s stores) StoreFor(ctx context.Context) (records.Store, error) {
	if s.sql != nil {
		return s.sql, nil
	}
	objs, err := s.oss.Objects(ctx)
	if err != nil {
		return nil, err
	}
	return s.of(objs), nil
}

// DeleteObject implements sign.ObjectDeleter with the request's
// credentials.
func (s stores) DeleteObject(ctx context.Context, key string) error {
	objs, err := s.oss.Objects(ctx)
	if err != nil {
		return err
	}
	return objs.Delete(ctx, key)
}
