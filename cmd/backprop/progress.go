package main

import (
	"fmt"
	"math"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/backprop-go/backprop/train"
)

// progress reports training on stderr: a progress bar per epoch when
// stderr is a terminal, one line per epoch otherwise, nothing with --json.
type progress struct {
	e      *env
	epochs int
	quiet  bool
	bar    *progressbar.ProgressBar
	// seen and correct count the examples of the current epoch so far and
	// those classified correctly, for the running accuracy.
	seen, correct int
	// classify reports whether the data have classes, so that an accuracy
	// means something.
	classify bool
}

func newProgress(e *env, epochs int, quiet bool) *progress {
	return &progress{e: e, epochs: epochs, quiet: quiet}
}

func (p *progress) batch(b train.Batch) error {
	if p.quiet || !p.e.stderrTerminal {
		return nil
	}
	if p.bar == nil || b.Index == 1 {
		if p.bar != nil {
			p.bar.Finish()
		}
		p.bar = progressbar.NewOptions(b.Batches,
			progressbar.OptionSetWriter(p.e.stderr),
			progressbar.OptionSetDescription(fmt.Sprintf("epoch %d/%d", b.Epoch, p.epochs)),
			progressbar.OptionShowCount(),
			progressbar.OptionSetItsString("batches"),
			progressbar.OptionShowIts(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
	if b.Index == 1 {
		p.seen, p.correct = 0, 0
	}
	p.seen += b.Size
	p.correct += b.Correct
	desc := fmt.Sprintf("epoch %d/%d  cost %.4f", b.Epoch, p.epochs, b.Cost)
	if p.classify {
		desc += fmt.Sprintf("  accuracy %.2f%%", 100*float64(p.correct)/float64(p.seen))
	}
	p.bar.Describe(desc + fmt.Sprintf("  α %.3g", b.LearningRate))
	return p.bar.Add(1)
}

func (p *progress) epoch(m train.Metrics) error {
	if p.quiet {
		return nil
	}
	if p.bar != nil {
		p.bar.Finish()
		p.bar = nil
	}
	// Long full-batch runs print every epoch only when there are few.
	if p.epochs > 100 && m.Epoch%(p.epochs/20) != 0 && m.Epoch != 1 && m.Epoch != p.epochs {
		return nil
	}
	line := fmt.Sprintf("epoch %*d/%d  train cost %.6g", digits(p.epochs), m.Epoch, p.epochs, m.Cost)
	if !math.IsNaN(m.Accuracy) {
		line += fmt.Sprintf("  train accuracy %6.2f%%", 100*m.Accuracy)
	}
	if !math.IsNaN(m.ValidCost) {
		line += fmt.Sprintf("  validation cost %.6g", m.ValidCost)
	}
	if !math.IsNaN(m.ValidAccuracy) {
		line += fmt.Sprintf("  validation accuracy %6.2f%%", 100*m.ValidAccuracy)
	}
	line += fmt.Sprintf("  α %.3g  elapsed %.1fs", m.LearningRate, m.Elapsed.Seconds())
	fmt.Fprintln(p.e.stderr, line)
	return nil
}

func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
		p.bar = nil
	}
}

func digits(n int) int { return len(fmt.Sprint(n)) }
