package derive

import "sync"

// Pool keeps engines of one Config for reuse, so that a component that derives each batch or trace on its
// own does not build an engine, its maps and its scratch memory each time. It is safe for concurrent use.
type Pool struct {
	cfg     Config
	engines sync.Pool
}

// NewPool returns a pool of engines that apply the rules chosen by cfg.
func NewPool(cfg Config) *Pool {
	return &Pool{cfg: cfg}
}

// Get returns an engine with nothing held, as New returns.
func (p *Pool) Get() *Engine {
	if e, ok := p.engines.Get().(*Engine); ok {
		return e
	}
	return New(p.cfg)
}

// Put resets e and keeps it for a later Get. e must not be used after.
func (p *Pool) Put(e *Engine) {
	e.Reset()
	p.engines.Put(e)
}
