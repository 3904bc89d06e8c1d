package pollscale

import "testing"

func TestScaler(t *testing.T) {
	var seen []int
	s := New(1, 3, 2, func(n int) { seen = append(seen, n) })
	if s.Initial() != 2 {
		t.Fatalf("initial %d, want 2", s.Initial())
	}
	steps := []struct {
		name string
		do   func() int // more pollers, or -1 for a poller stopping
		want int
	}{
		{"task: one more", func() int { return s.AfterTask(0) }, 1},
		{"task at max: none", func() int { return s.AfterTask(0) }, 0},
		{"empty: stop", func() int { return stop(s.AfterEmpty()) }, -1},
		{"empty: stop", func() int { return stop(s.AfterEmpty()) }, -1},
		{"empty at min: go on", func() int { return stop(s.AfterEmpty()) }, 0},
		{"server suggests 5 more: up to max", func() int { return s.AfterTask(5) }, 2},
		{"server suggests fewer: none more", func() int { return s.AfterTask(-1) }, 0},
	}
	for _, st := range steps {
		if got := st.do(); got != st.want {
			t.Errorf("%s: %d, want %d", st.name, got, st.want)
		}
	}
	if want := []int{3, 2, 1, 3}; len(seen) != len(want) || seen[0] != 3 || seen[1] != 2 || seen[2] != 1 || seen[3] != 3 {
		t.Errorf("counts reported %v, want %v", seen, want)
	}
	var fixed *Scaler
	if fixed.AfterTask(3) != 0 || fixed.AfterEmpty() {
		t.Error("a nil scaler changed the pollers")
	}
	if n := New(0, 0, 9, nil).Initial(); n != 1 {
		t.Errorf("clamped initial %d, want 1", n)
	}
}

func stop(b bool) int {
	if b {
		return -1
	}
	return 0
}
