package worker

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// procSampler reads Linux's /proc; see DefaultResourceSampler.
type procSampler struct {
	mu        sync.Mutex
	at        time.Time
	busy, all uint64 // jiffies at the last reading
	cpu       float64
	memAt     time.Time
	mem       float64
}

const sampleEvery = 100 * time.Millisecond

func (p *procSampler) CPU() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	if time.Since(p.at) < sampleEvery {
		return p.cpu
	}
	p.at = time.Now()
	busy, all, ok := readCPU()
	if !ok {
		return 0
	}
	if p.all > 0 && all > p.all {
		p.cpu = float64(busy-p.busy) / float64(all-p.all)
	}
	p.busy, p.all = busy, all
	return p.cpu
}

func (p *procSampler) Memory() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	if time.Since(p.memAt) < sampleEvery {
		return p.mem
	}
	p.memAt = time.Now()
	p.mem = readMemory()
	return p.mem
}

// readCPU returns the busy and total jiffies of the first line of
// /proc/stat ("cpu user nice system idle iowait irq softirq steal ...").
func readCPU() (busy, all uint64, ok bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, false
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	fields := strings.Fields(string(line))
	if len(fields) < 5 || fields[0] != "cpu" {
		return 0, 0, false
	}
	for i, f := range fields[1:] {
		v, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			return 0, 0, false
		}
		all += v
		if i != 3 && i != 4 { // idle, iowait
			busy += v
		}
	}
	return busy, all, true
}

// readMemory returns 1 - MemAvailable/MemTotal, 0 when unreadable.
func readMemory() float64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	var total, avail float64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), ":")
		n, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
		if err != nil {
			continue
		}
		switch k {
		case "MemTotal":
			total = n
		case "MemAvailable":
			avail = n
		}
	}
	if total <= 0 {
		return 0
	}
	return 1 - avail/total
}
