package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"

	"github.com/clvkit/clvkit/core/modelfile"
	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/core/summary"
	"github.com/clvkit/clvkit/host/internal/config"
)

// Roles of a model file in a scoring run, as the manifest names them.
const (
	rolePurchase = "purchase"
	roleSpend    = "spend"
)

// modelFile is a frozen model a scoring run read (model.load or
// model.load_spend, or their flags): where it is and the sha256 of the
// bytes that were parsed, for the manifest.
type modelFile struct {
	role   string // rolePurchase or roleSpend
	path   string
	sha256 string
	model  *score.FrozenModel
}

// readModelFile reads and checks a model file written by clv fit --out.
// Errors name the file.
func readModelFile(path, role string) (*modelFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("model file: %w", err)
	}
	f, err := modelfile.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("model file %s: %w", path, err)
	}
	switch {
	case role == rolePurchase && !f.IsPurchase():
		return nil, fmt.Errorf("model file %s holds the %s spend model; the purchase model file (model.load, --model-file) holds bgnbd, paretonbd, mbgnbd or bgbb: give it as model.load_spend (--spend-model-file)", path, f.Model)
	case role == roleSpend && f.IsPurchase():
		return nil, fmt.Errorf("model file %s holds the %s purchase model; the spend model file (model.load_spend, --spend-model-file) holds gammagamma: give it as model.load (--model-file)", path, f.Model)
	}
	sum := sha256.Sum256(b)
	return &modelFile{role: role, path: path, sha256: hex.EncodeToString(sum[:]), model: f}, nil
}

// loadModels reads the config's model files into the job's options: the
// purchase model replaces model.purchase, the spend model the Gamma-Gamma
// fit. A purchase model's time unit must be the run's (its rates are per
// unit); the grain, when both know it, must be the run's for either model
// (a purchase period, and so frequency and mean spend, depends on it).
func (j *job) loadModels(cfg *config.Config) error {
	grain := ""
	if cfg.Input.Kind == "transactions" {
		grain = cfg.Time.Grain
	}
	for _, m := range []struct{ role, key, path string }{
		{rolePurchase, "model.load", cfg.Model.Load},
		{roleSpend, "model.load_spend", cfg.Model.LoadSpend},
	} {
		if m.path == "" {
			continue
		}
		mf, err := readModelFile(cfg.Resolve(m.path), m.role)
		if err != nil {
			return err
		}
		if m.role == rolePurchase {
			if err := mf.model.CheckUnit(j.time.Unit.String(), unitDays(j.time.Unit)); err != nil {
				return fmt.Errorf("model file %s: %w", mf.path, err)
			}
		}
		if err := mf.model.CheckGrain(grain); err != nil {
			return fmt.Errorf("model file %s: %w", mf.path, err)
		}
		if m.role == rolePurchase {
			j.options.Frozen, j.options.Purchase = mf.model, mf.model.Model
		} else {
			j.options.FrozenSpend = mf.model
		}
		j.models = append(j.models, mf)
	}
	return nil
}

// unitDays is the length of a unit in days (the zero Unit is a day).
func unitDays(u summary.Unit) float64 {
	if u.Days == 0 {
		return 1
	}
	return u.Days
}
