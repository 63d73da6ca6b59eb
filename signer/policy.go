package signer

import (
	"time"
)

// ExpirationLayout is the layout of the policy's "expiration" (ISO 8601,
// UTC, milliseconds), the form every official OSS sample uses.
const ExpirationLayout = "2006-01-02T15:04:05.000Z"

// Policy is a POST policy before signing. Expiration is converted to UTC and
// written with millisecond precision ([ExpirationLayout]); Conditions are
// written in order, followed by the conditions V4 requires, which [Sign]
// adds itself. Sign does not modify the Policy.
type Policy struct {
	Expiration time.Time
	Conditions []Condition
}

// policyDoc is the policy document as encoding/json writes it.
type policyDoc struct {
	Expiration string `json:"expiration"`
	Conditions []any  `json:"conditions"`
}

type bucketCond struct {
	Bucket string `json:"bucket"`
}

// The conditions V4 requires, as simple conditions {"field": "value"}.
type (
	versionCond struct {
		V string `json:"x-oss-signature-version"`
	}
	credentialCond struct {
		V string `json:"x-oss-credential"`
	}
	dateCond struct {
		V string `json:"x-oss-date"`
	}
	tokenCond struct {
		V string `json:"x-oss-security-token"`
	}
)

// scratchSize is how many conditions a policy can have before encoding it
// needs more than one allocation for the condition list.
const scratchSize = 16

// scratch holds everything encoding/json walks for one policy, so that
// building the document costs one allocation in the common case.
type scratch struct {
	doc        policyDoc
	items      [scratchSize]any
	triples    [scratchSize][3]string
	nTriples   int
	bucket     bucketCond
	version    versionCond
	credential credentialCond
	date       dateCond
	token      tokenCond
}

// triple returns a pointer to [3]string{a, b, c}, from s's storage while it lasts.
func (s *scratch) triple(a, b, c string) *[3]string {
	var t *[3]string
	if s.nTriples < len(s.triples) {
		t = &s.triples[s.nTriples]
		s.nTriples++
	} else {
		t = new([3]string)
	}
	*t = [3]string{a, b, c}
	return t
}

// document fills s.doc with the policy's conditions followed by the V4
// mandatory ones and returns it. expiration is the formatted expiration,
// credential and date the x-oss-credential and x-oss-date values.
func (s *scratch) document(p Policy, expiration, credential, date, token string) *policyDoc {
	s.doc.Expiration = expiration
	items := s.items[:0]
	for _, c := range p.Conditions {
		items = append(items, c.item(s))
	}
	s.version.V = Algorithm
	s.credential.V = credential
	s.date.V = date
	items = append(items, &s.version, &s.credential, &s.date)
	if token != "" {
		s.token.V = token
		items = append(items, &s.token)
	}
	s.doc.Conditions = items
	return &s.doc
}
