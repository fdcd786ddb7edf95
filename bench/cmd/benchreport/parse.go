package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// results holds every value of a raw `go test -bench` output: per benchmark name (without the -procs
// suffix), per unit, one value per run. order keeps the names as they first appeared.
type results struct {
	values map[string]map[string][]float64
	order  []string
	logs   []string // lines a benchmark logged (indented lines)
	notes  []string // lines run.sh added, starting with "# "
}

var procsSuffix = regexp.MustCompile(`-\d+$`)

// parseFile reads the raw output of `go test -bench` at path.
func parseFile(path string) (*results, error) {
	f, err := os.Open(path) //nolint:gosec // the path is the command's own flag, set by run.sh
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parse(f)
}

func parse(r io.Reader) (*results, error) {
	res := &results{values: map[string]map[string][]float64{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if note, ok := strings.CutPrefix(line, "# "); ok {
			res.notes = append(res.notes, note)
			continue
		}
		if strings.HasPrefix(line, "    ") {
			res.logs = append(res.logs, strings.TrimSpace(line))
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") || len(fields)%2 != 0 {
			continue
		}
		if _, err := strconv.Atoi(fields[1]); err != nil {
			continue
		}
		name := procsSuffix.ReplaceAllString(strings.TrimPrefix(fields[0], "Benchmark"), "")
		units := res.values[name]
		if units == nil {
			units = map[string][]float64{}
			res.values[name] = units
			res.order = append(res.order, name)
		}
		for i := 2; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				return nil, fmt.Errorf("benchmark %s: value %q: %w", name, fields[i], err)
			}
			units[fields[i+1]] = append(units[fields[i+1]], v)
		}
	}
	return res, sc.Err()
}

// median returns the median of name's values in unit, and whether there were any.
func (r *results) median(name, unit string) (float64, bool) {
	vs := slices.Clone(r.values[name][unit])
	if len(vs) == 0 {
		return 0, false
	}
	slices.Sort(vs)
	if len(vs)%2 == 1 {
		return vs[len(vs)/2], true
	}
	return (vs[len(vs)/2-1] + vs[len(vs)/2]) / 2, true
}

// units returns the units name reported, in a fixed order: ns/op, B/op, allocs/op, then the others sorted.
func (r *results) units(name string) []string {
	var us []string
	for _, u := range []string{"ns/op", "B/op", "allocs/op"} {
		if _, ok := r.values[name][u]; ok {
			us = append(us, u)
		}
	}
	var others []string
	for u := range r.values[name] {
		if !slices.Contains(us, u) {
			others = append(others, u)
		}
	}
	slices.Sort(others)
	return append(us, others...)
}
