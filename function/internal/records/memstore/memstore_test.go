package memstore_test

import (
	"testing"

	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/records/memstore"
	"github.com/ossgate/ossgate/function/internal/records/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(*testing.T) records.Store { return memstore.New() })
}
