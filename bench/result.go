package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
)

// peerName labels every RESULT line this program prints.
const peerName = "backprop"

// maxValues is the number of samples above which a RESULT line keeps only
// the statistics, so that the 20,000 latencies of W4 stay off the line.
const maxValues = 50

// Result is one measurement, printed as a RESULT line: the JSON object
// that the peer programs print, with the same keys.
type Result struct {
	Peer     string         `json:"peer"`
	Workload string         `json:"workload"`
	Metric   string         `json:"metric"`
	Unit     string         `json:"unit"`
	Threads  int            `json:"threads"`
	Values   []float64      `json:"values"`
	Median   float64        `json:"median"`
	Min      float64        `json:"min"`
	Max      float64        `json:"max"`
	Extra    map[string]any `json:"extra,omitempty"`
}

// newResult returns a Result for the samples values, with their median,
// minimum and maximum.
func newResult(workload, metric, unit string, threads int, values []float64, extra map[string]any) Result {
	r := Result{
		Peer: peerName, Workload: workload, Metric: metric, Unit: unit, Threads: threads,
		Values: values, Extra: extra,
	}
	r.Median, r.Min, r.Max = stats(values)
	if len(values) > maxValues {
		r.Values = nil
	}
	return r
}

// stats returns the median, minimum and maximum of v, NaN for an empty v.
// The median of an even count is the mean of the two middle values, as
// Python's statistics.median computes it.
func stats(v []float64) (median, lo, hi float64) {
	n := len(v)
	if n == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	median = s[n/2]
	if n%2 == 0 {
		median = (s[n/2-1] + s[n/2]) / 2
	}
	return median, s[0], s[n-1]
}

// writeResult prints r as a RESULT line.
func writeResult(w io.Writer, r Result) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("bench: encoding the result of %s %s: %w", r.Workload, r.Metric, err)
	}
	_, err = fmt.Fprintf(w, "RESULT %s\n", b)
	return err
}
