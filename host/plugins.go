package main

import (
	"context"
	"fmt"

	"github.com/clvkit/clvkit/plugins"
)

// pluginColumns runs a formula plugin as a score.Columner.
type pluginColumns struct {
	name   string
	client plugins.Client
	desc   plugins.Description
	batch  int
	calls  int
}

func (p *pluginColumns) Inputs() []string  { return p.desc.Inputs }
func (p *pluginColumns) Outputs() []string { return p.desc.Outputs }
func (p *pluginColumns) BatchSize() int    { return p.batch }

func (p *pluginColumns) Compute(ctx context.Context, in, out [][]float64) error {
	p.calls++
	rows := 0
	if len(in) > 0 {
		rows = len(in[0])
	}
	if err := p.client.Compute(ctx, in, out); err != nil {
		return fmt.Errorf("plugin %s: batch %d: %w", p.name, p.calls, err)
	}
	if err := plugins.CheckBatch(p.desc, rows, out, nil); err != nil {
		return fmt.Errorf("plugin %s: batch %d: %w", p.name, p.calls, err)
	}
	return nil
}

// pluginSegmenter runs a segmentation plugin as a score.Segmenter.
type pluginSegmenter struct {
	name   string
	client plugins.Client
	desc   plugins.Description
	batch  int
	calls  int
	buf    []int32
}

func (p *pluginSegmenter) Inputs() []string { return p.desc.Inputs }
func (p *pluginSegmenter) Labels() []string { return p.desc.Labels }
func (p *pluginSegmenter) BatchSize() int   { return p.batch }

func (p *pluginSegmenter) Segment(ctx context.Context, in [][]float64, out []int) error {
	p.calls++
	if cap(p.buf) < len(out) {
		p.buf = make([]int32, len(out))
	}
	labels := p.buf[:len(out)]
	if err := p.client.Segment(ctx, in, labels); err != nil {
		return fmt.Errorf("plugin %s: batch %d: %w", p.name, p.calls, err)
	}
	if err := plugins.CheckBatch(p.desc, len(out), nil, labels); err != nil {
		return fmt.Errorf("plugin %s: batch %d: %w", p.name, p.calls, err)
	}
	for i, k := range labels {
		out[i] = int(k)
	}
	return nil
}
