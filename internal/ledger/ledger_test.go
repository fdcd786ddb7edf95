package ledger

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
)

func TestLedgerKeepsTheMostRecent(t *testing.T) {
	l := New[int](2)
	a, b, c := uuid.New(), uuid.New(), uuid.New()
	l.Put(a, 1)
	l.Put(b, 2)
	l.Put(a, 10) // an update is no new session
	l.Put(c, 3)
	_, ok := l.Get(a)
	assert.False(t, ok, "the oldest session is forgotten beyond the bound")
	v, ok := l.Get(b)
	assert.True(t, ok)
	assert.Equal(t, 2, v)
	v, _ = l.Get(c)
	assert.Equal(t, 3, v)
	assert.Equal(t, 2, l.Len())
}

func TestLedgerBoundAtLeastOne(t *testing.T) {
	l := New[string](0)
	l.Put(uuid.Nil, "x")
	v, ok := l.Get(uuid.Nil)
	assert.True(t, ok)
	assert.Equal(t, "x", v)
	assert.Equal(t, 1, l.Len())
}
