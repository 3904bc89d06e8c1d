package engine

import (
	"crypto/sha256"
	"math/rand/v2"
)

// random is the run's deterministic random source: ChaCha8 seeded from the
// original run id, so replays draw the same numbers. The seed scheme must
// never change, or recorded histories stop replaying.
type random struct{ r *rand.Rand }

func newRandom(runID string) *random {
	seed := sha256.Sum256([]byte("temporalgen.random.v1\x00" + runID))
	return &random{r: rand.New(rand.NewChaCha8(seed))}
}

// Rand returns the run's random source. Use it only from workflow code.
func (r *Run) Rand() *rand.Rand {
	if r.random == nil {
		r.random = newRandom(r.info.OriginalRunID) // on first use: most runs never draw
	}
	return r.random.r
}

// UUID4 returns a random (version 4) UUID from the run's random source.
func (r *Run) UUID4() string {
	var b [16]byte
	u1, u2 := r.Rand().Uint64(), r.Rand().Uint64()
	for i := range 8 {
		b[i] = byte(u1 >> (56 - 8*i))
		b[8+i] = byte(u2 >> (56 - 8*i))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	const hex = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hex[c>>4], hex[c&0xf])
	}
	return string(out)
}
